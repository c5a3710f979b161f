//! Declarations of `logging_api.h`.
