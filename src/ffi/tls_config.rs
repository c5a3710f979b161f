//! Declarations of `tls_config.h`.
