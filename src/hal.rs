//! Portable primitives: the counting semaphore behind `hal_thread.h`, and the clock.

use parking_lot::{Condvar, Mutex};

/// A counting semaphore: `wait` blocks until the count is positive, then takes one.
#[derive(Debug, Default)]
pub struct Semaphore {
    count: Mutex<u32>,
    available: Condvar,
}

impl Semaphore {
    /// A semaphore holding `initial` units.
    pub fn new(initial: u32) -> Self {
        Semaphore {
            count: Mutex::new(initial),
            available: Condvar::new(),
        }
    }

    /// Takes one unit, blocking until one is there.
    pub fn wait(&self) {
        let mut count = self.count.lock();
        while *count == 0 {
            self.available.wait(&mut count);
        }
        *count -= 1;
    }

    /// Gives back one unit, waking one waiter.
    pub fn post(&self) {
        let mut count = self.count.lock();
        *count = count.saturating_add(1);
        self.available.notify_one();
    }
}

/// Wall-clock milliseconds since 1970 (0 before it).
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn wait_blocks_until_a_post() {
        let s = Arc::new(Semaphore::new(1));
        s.wait();
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = {
            let s = s.clone();
            std::thread::spawn(move || {
                s.wait();
                tx.send(()).unwrap();
            })
        };
        assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
        s.post();
        rx.recv_timeout(Duration::from_secs(5)).unwrap();
        waiter.join().unwrap();
    }
}
