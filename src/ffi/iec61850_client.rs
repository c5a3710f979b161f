//! Declarations of `iec61850_client.h`.
