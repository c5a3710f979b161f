//! I/O glue: the process-wide mio reactor, the callback dispatcher thread and
//! TCP connection set-up. The only place that blocks on sockets or polls.

pub mod dispatcher;
pub mod reactor;
pub mod tcp;
