//! Declarations of `hal_time.h`.
