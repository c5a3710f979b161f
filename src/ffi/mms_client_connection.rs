//! Declarations of `mms_client_connection.h`.
