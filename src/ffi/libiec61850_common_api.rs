//! Declarations of `libiec61850_common_api.h`.
