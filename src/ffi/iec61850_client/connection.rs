//! Connection life cycle of `iec61850_client.h`: create, configure, connect, release, abort, close, state and handlers.

use super::*;

/// Creates a connection that uses the shared reactor and callback threads.
#[no_mangle]
pub extern "C" fn IedConnection_create() -> IedConnection {
    IedConnection_createEx(std::ptr::null_mut(), true)
}

/// Creates a connection; without threads the application drives it with `IedConnection_tick`.
/// TLS is not supported yet: a non-NULL `tlsConfig` gives NULL.
#[no_mangle]
pub extern "C" fn IedConnection_createEx(
    tlsConfig: TLSConfiguration,
    useThreads: bool,
) -> IedConnection {
    guard(std::ptr::null_mut(), || {
        if !tlsConfig.is_null() {
            return std::ptr::null_mut();
        }
        Box::into_raw(Box::new(sIedConnection {
            conn: Connection::new(useThreads),
            iso: super::association::IsoStorage::new(),
        }))
    })
}

/// Closes the connection (without release) and frees the handle; NULL is ignored.
///
/// # Safety
/// `self_` is NULL or a live handle not used after this call.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_destroy(self_: IedConnection) {
    guard((), || {
        if !self_.is_null() {
            // SAFETY: a live handle from IedConnection_create*, released exactly once.
            drop(unsafe { Box::from_raw(self_) });
        }
    })
}

/// Sets the local IP address and port to bind before connecting (port 0 or -1: any).
///
/// # Safety
/// `self_` is NULL or a live handle; `localIpAddress` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_setLocalAddress(
    self_: IedConnection,
    localIpAddress: *const c_char,
    localPort: c_int,
) {
    guard((), || {
        // SAFETY: caller's contract.
        let (Some(conn), Some(ip)) = (unsafe { connection(self_) }, unsafe {
            c_str(localIpAddress)
        }) else {
            return;
        };
        let port = u16::try_from(localPort).unwrap_or(0);
        let address = ip
            .to_str()
            .ok()
            .and_then(|ip| ip.parse::<std::net::IpAddr>().ok())
            .map(|ip| std::net::SocketAddr::new(ip, port));
        conn.configure(|c| c.local_address = address);
    })
}

/// Sets the TCP connect timeout in milliseconds.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_setConnectTimeout(self_: IedConnection, timeoutInMs: u32) {
    guard((), || {
        // SAFETY: caller's contract.
        if let Some(conn) = unsafe { connection(self_) } {
            conn.configure(|c| c.connect_timeout = Duration::from_millis(timeoutInMs.into()));
        }
    })
}

/// Sets the timeout of each confirmed service in milliseconds.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_setRequestTimeout(self_: IedConnection, timeoutInMs: u32) {
    guard((), || {
        // SAFETY: caller's contract.
        if let Some(conn) = unsafe { connection(self_) } {
            conn.configure(|c| c.request_timeout = Duration::from_millis(timeoutInMs.into()));
        }
    })
}

/// The request timeout in milliseconds (0 for NULL).
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getRequestTimeout(self_: IedConnection) -> u32 {
    guard(0, || {
        // SAFETY: caller's contract.
        unsafe { connection(self_) }.map_or(0, |c| {
            u32::try_from(c.config().request_timeout.as_millis()).unwrap_or(u32::MAX)
        })
    })
}

/// Sets the numbers of outstanding calls proposed in the MMS initiate request.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_setMaxOutstandingCalls(
    self_: IedConnection,
    calling: c_int,
    called: c_int,
) {
    guard((), || {
        // SAFETY: caller's contract.
        if let Some(conn) = unsafe { connection(self_) } {
            let clamp = |n: c_int| u16::try_from(n.max(1)).unwrap_or(u16::MAX);
            conn.configure(|c| {
                c.initiate.max_serv_outstanding_calling = clamp(calling);
                c.initiate.max_serv_outstanding_called = clamp(called);
            });
        }
    })
}

/// Processes received messages of a connection created without threads; true when idle.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_tick(self_: IedConnection) -> bool {
    guard(true, || {
        // SAFETY: caller's contract.
        unsafe { connection(self_) }.is_none_or(|c| c.tick())
    })
}

/// The connection and port of a connect call, with the handle's ISO parameters applied.
///
/// # Safety
/// `self_` is NULL or a live handle whose parameters nobody changes now; `hostname` is NULL
/// or a C string.
unsafe fn connect_args<'a>(
    self_: IedConnection,
    hostname: *const c_char,
    tcpPort: c_int,
) -> Result<(&'a Connection, &'a str, u16), ClientError> {
    // SAFETY: caller's contract.
    let conn = unsafe { connection(self_) }.ok_or(ClientError::InvalidArgument)?;
    // SAFETY: caller's contract.
    let host = unsafe { c_str(hostname) }
        .and_then(|h| h.to_str().ok())
        .ok_or(ClientError::InvalidArgument)?;
    let port = if tcpPort < 0 {
        102
    } else {
        u16::try_from(tcpPort).unwrap_or(0)
    };
    // SAFETY: caller's contract.
    if let Some(handle) = unsafe { self_.as_ref() } {
        // SAFETY: as above.
        unsafe { super::association::configure_iso(handle) };
    }
    Ok((conn, host, port))
}

/// Runs `connect` (sync or async) with the checked arguments; the outcome goes to `error`.
///
/// # Safety
/// As for `connect_args`; `error` is NULL or writable.
unsafe fn connect_with(
    self_: IedConnection,
    error: *mut IedClientError,
    hostname: *const c_char,
    tcpPort: c_int,
    connect: fn(&Connection, &str, u16) -> Result<(), ClientError>,
) {
    let code = guard(IED_ERROR_UNKNOWN, || {
        // SAFETY: caller's contract.
        let args = unsafe { connect_args(self_, hostname, tcpPort) };
        code_of(&args.and_then(|(conn, host, port)| connect(conn, host, port)))
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
}

/// Connects and associates with the server at `hostname:tcpPort` (port -1: 102).
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `hostname` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_connect(
    self_: IedConnection,
    error: *mut IedClientError,
    hostname: *const c_char,
    tcpPort: c_int,
) {
    // SAFETY: caller's contract.
    unsafe { connect_with(self_, error, hostname, tcpPort, Connection::connect) }
}

/// Starts connecting and returns at once; the state handler reports CONNECTED, or the close.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `hostname` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_connectAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    hostname: *const c_char,
    tcpPort: c_int,
) {
    // SAFETY: caller's contract.
    unsafe { connect_with(self_, error, hostname, tcpPort, Connection::connect_async) }
}

/// Aborts the association without waiting (as `IedConnection_abort`, which does not wait either).
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_abortAsync(
    self_: IedConnection,
    error: *mut IedClientError,
) {
    // SAFETY: caller's contract.
    unsafe { IedConnection_abort(self_, error) }
}

/// Starts an orderly release and returns at once; the close is reported when the server
/// has answered the conclude request.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_releaseAsync(
    self_: IedConnection,
    error: *mut IedClientError,
) {
    let code = guard(IED_ERROR_UNKNOWN, || {
        // SAFETY: caller's contract.
        unsafe { connection(self_) }
            .map_or(IED_ERROR_NOT_CONNECTED, |c| code_of(&c.release_async()))
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
}

/// Aborts the association (ACSE abort) and closes the connection.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_abort(self_: IedConnection, error: *mut IedClientError) {
    let code = guard(IED_ERROR_UNKNOWN, || {
        // SAFETY: caller's contract.
        unsafe { connection(self_) }.map_or(IED_ERROR_NOT_CONNECTED, |c| code_of(&c.abort()))
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
}

/// Releases the association (MMS conclude) and closes the connection.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_release(self_: IedConnection, error: *mut IedClientError) {
    let code = guard(IED_ERROR_UNKNOWN, || {
        // SAFETY: caller's contract.
        unsafe { connection(self_) }.map_or(IED_ERROR_NOT_CONNECTED, |c| code_of(&c.release()))
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
}

/// Closes the TCP connection without releasing the association.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_close(self_: IedConnection) {
    guard((), || {
        // SAFETY: caller's contract.
        if let Some(conn) = unsafe { connection(self_) } {
            conn.close();
        }
    })
}

/// The connection state (`IED_STATE_CLOSED` for NULL).
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getState(self_: IedConnection) -> IedConnectionState {
    guard(IED_STATE_CLOSED, || {
        // SAFETY: caller's contract.
        unsafe { connection(self_) }.map_or(IED_STATE_CLOSED, |c| c.state() as IedConnectionState)
    })
}

/// Installs the handler called when an established connection closes (NULL removes it).
///
/// # Safety
/// `self_` is NULL or a live handle; `handler` stays callable with `parameter` while installed.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_installConnectionClosedHandler(
    self_: IedConnection,
    handler: IedConnectionClosedHandler,
    parameter: *mut c_void,
) {
    guard((), || {
        // SAFETY: caller's contract.
        let Some(conn) = (unsafe { connection(self_) }) else {
            return;
        };
        let listener = handler.map(|function| {
            let cb = Callback {
                function,
                parameter: parameter as usize,
                handle: self_ as usize,
            };
            Arc::new(move || {
                // SAFETY: the application keeps the handler valid while installed.
                unsafe { (cb.function)(cb.parameter as *mut c_void, cb.handle as IedConnection) }
            }) as ClosedListener
        });
        conn.set_closed_listener(listener);
    })
}

/// Installs the handler called on every connection state change (NULL removes it).
///
/// # Safety
/// `self_` is NULL or a live handle; `handler` stays callable with `parameter` while installed.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_installStateChangedHandler(
    self_: IedConnection,
    handler: IedConnection_StateChangedHandler,
    parameter: *mut c_void,
) {
    guard((), || {
        // SAFETY: caller's contract.
        let Some(conn) = (unsafe { connection(self_) }) else {
            return;
        };
        let listener = handler.map(|function| {
            let cb = Callback {
                function,
                parameter: parameter as usize,
                handle: self_ as usize,
            };
            Arc::new(move |state: State| {
                // SAFETY: the application keeps the handler valid while installed.
                unsafe {
                    (cb.function)(
                        cb.parameter as *mut c_void,
                        cb.handle as IedConnection,
                        state as IedConnectionState,
                    )
                }
            }) as StateListener
        });
        conn.set_state_listener(listener);
    })
}
