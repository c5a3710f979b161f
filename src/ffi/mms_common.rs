//! Declarations of `mms_common.h`.
