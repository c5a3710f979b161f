//! Declarations of `iec61850_common.h`.
