//! Declarations of `mms_value.h`.
