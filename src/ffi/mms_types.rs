//! Declarations of `mms_types.h`.
