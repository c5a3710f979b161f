//! Declarations of `mms_type_spec.h`.
