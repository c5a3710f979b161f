//! Declarations of `iso_connection_parameters.h`.
