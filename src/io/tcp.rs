//! Non-blocking TCP connection set-up with an optional local address, and waiting for a
//! socket without a reactor (the `tick` mode).

use std::io;
use std::mem;
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::time::Duration;

/// Starts connecting to `remote`, bound first to `local` when given. The stream is
/// non-blocking with `TCP_NODELAY` set; the connection is established once it turns
/// writable without a pending error (see [`connect_result`]).
pub fn start_connect(remote: SocketAddr, local: Option<SocketAddr>) -> io::Result<TcpStream> {
    let family = if remote.is_ipv4() {
        libc::AF_INET
    } else {
        libc::AF_INET6
    };
    // SAFETY: plain socket(2) call; the descriptor is owned by `stream` right after.
    let fd = unsafe {
        libc::socket(
            family,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK,
            0,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` is a fresh socket we own; TcpStream closes it on drop.
    let stream = unsafe { TcpStream::from_raw_fd(fd) };
    if let Some(local) = local {
        let (addr, len) = sockaddr(&local);
        // SAFETY: `addr` is a valid sockaddr of `len` bytes.
        if unsafe { libc::bind(fd, &addr as *const _ as *const libc::sockaddr, len) } != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    let (addr, len) = sockaddr(&remote);
    // SAFETY: `addr` is a valid sockaddr of `len` bytes.
    if unsafe { libc::connect(fd, &addr as *const _ as *const libc::sockaddr, len) } != 0 {
        let err = io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EINPROGRESS) {
            return Err(err);
        }
    }
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Where a connect started by [`start_connect`] stands: `Ok(true)` established,
/// `Ok(false)` still in progress, `Err` failed (refused, unreachable, ...).
pub fn connect_result(stream: &impl AsRawFd) -> io::Result<bool> {
    let fd = stream.as_raw_fd();
    let mut error: libc::c_int = 0;
    let mut len = mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: SO_ERROR writes one c_int into `error`, `len` holds its size.
    let rc = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_ERROR,
            &mut error as *mut _ as *mut libc::c_void,
            &mut len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    if error != 0 {
        return Err(io::Error::from_raw_os_error(error));
    }
    // SAFETY: all-zero is a valid sockaddr_storage; getpeername fills at most `len` bytes.
    let mut peer: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let mut len = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: as above.
    if unsafe { libc::getpeername(fd, &mut peer as *mut _ as *mut libc::sockaddr, &mut len) } == 0 {
        return Ok(true);
    }
    let err = io::Error::last_os_error();
    if err.raw_os_error() == Some(libc::ENOTCONN) {
        Ok(false)
    } else {
        Err(err)
    }
}

/// Waits until `stream` is readable (or closed), or also writable with `writable`, for at
/// most `timeout`; false on timeout.
pub fn wait_ready(
    stream: &impl AsRawFd,
    writable: bool,
    timeout: Option<Duration>,
) -> io::Result<bool> {
    let events = if writable {
        libc::POLLIN | libc::POLLOUT
    } else {
        libc::POLLIN
    };
    wait(stream.as_raw_fd(), events, timeout)
}

fn wait(fd: RawFd, events: libc::c_short, timeout: Option<Duration>) -> io::Result<bool> {
    let ms = timeout.map_or(-1, |t| t.as_millis().min(i32::MAX as u128) as libc::c_int);
    let mut pfd = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    loop {
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, ms) };
        if n >= 0 {
            return Ok(n > 0);
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

fn sockaddr(addr: &SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: all-zero is a valid sockaddr_storage.
    let mut storage: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(a.ip().octets()),
                },
                sin_zero: [0; 8],
            };
            // SAFETY: sockaddr_storage is large and aligned enough for sockaddr_in.
            unsafe { std::ptr::write(&mut storage as *mut _ as *mut libc::sockaddr_in, sin) };
            mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: a.flowinfo(),
                sin6_addr: libc::in6_addr {
                    s6_addr: a.ip().octets(),
                },
                sin6_scope_id: a.scope_id(),
            };
            // SAFETY: sockaddr_storage is large and aligned enough for sockaddr_in6.
            unsafe { std::ptr::write(&mut storage as *mut _ as *mut libc::sockaddr_in6, sin6) };
            mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (storage, len as libc::socklen_t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn connects_to_a_listener_and_binds_the_local_address() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let local: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let s = start_connect(listener.local_addr().unwrap(), Some(local)).unwrap();
        assert!(wait_ready(&s, true, Some(Duration::from_secs(2))).unwrap());
        assert!(connect_result(&s).unwrap());
        assert!(s.nodelay().unwrap());
        let (_peer, addr) = listener.accept().unwrap();
        assert_eq!(addr, s.local_addr().unwrap());
        assert!(!wait_ready(&s, false, Some(Duration::from_millis(10))).unwrap());
    }

    #[test]
    fn closed_port_is_refused() {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        // Loopback may refuse at once or report it when the socket turns writable.
        let err = start_connect(port, None)
            .and_then(|s| {
                assert!(wait_ready(&s, true, Some(Duration::from_secs(2)))?);
                connect_result(&s)
            })
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
    }
}
