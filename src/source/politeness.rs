//! How hard the crawler may press on each host: a few connections per host, a
//! minimum interval between the starts of two requests to the same host
//! (raised by robots.txt `Crawl-delay`), and a global limit across hosts.
//! One `Gates` is shared by every site of a run, so two sites on one host
//! still share that host's limits. Hosts are keyed by name
//! (`urls::host_name`), whatever the scheme and port: `http://x/` and
//! `https://x/` are one server to be polite to, and robots.txt `Crawl-delay`
//! read for one applies to both.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// Minimum time between the starts of two requests to one host.
    pub interval: Duration,
    /// Requests in flight at once, all hosts together.
    pub global: usize,
}

#[derive(Debug)]
struct Host {
    connections: Arc<Semaphore>,
    /// When the next request to this host may start, and the interval in force.
    slot: Mutex<(Instant, Duration)>,
}

#[derive(Debug)]
pub struct Gates {
    limits: Limits,
    global: Arc<Semaphore>,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
}

/// Held while a request runs; dropping it frees the connection slots.
#[derive(Debug)]
pub struct Pass {
    _host: Option<OwnedSemaphorePermit>,
    _global: Option<OwnedSemaphorePermit>,
}

impl Gates {
    pub fn new(limits: Limits) -> Gates {
        Gates {
            limits,
            global: Arc::new(Semaphore::new(limits.global.max(1))),
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// The gate of host `key` (a `urls::host_name`), made on first use.
    fn host(&self, key: &str) -> Arc<Host> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        // Looked up before inserting, so that a known host costs no allocation.
        if let Some(h) = hosts.get(key) {
            return h.clone();
        }
        let h = Arc::new(Host {
            connections: Arc::new(Semaphore::new(self.limits.per_host.max(1))),
            slot: Mutex::new((Instant::now(), self.limits.interval)),
        });
        hosts.insert(key.to_string(), h.clone());
        h
    }

    /// Raises the interval for one host (robots.txt `Crawl-delay`); never lowers it.
    pub fn slow_down(&self, key: &str, interval: Duration) {
        let host = self.host(key);
        let mut slot = host.slot.lock().unwrap_or_else(|p| p.into_inner());
        slot.1 = slot.1.max(interval);
    }

    /// The interval in force for a host.
    #[cfg(test)]
    fn interval(&self, key: &str) -> Duration {
        let host = self.host(key);
        let slot = host.slot.lock().unwrap_or_else(|p| p.into_inner());
        slot.1
    }

    /// Waits for a connection to `key` and for its turn, then for a global slot.
    pub async fn enter(&self, key: &str) -> Pass {
        let host = self.host(key);
        let host_permit = host.connections.clone().acquire_owned().await.ok();
        let start = {
            let mut slot = host.slot.lock().unwrap_or_else(|p| p.into_inner());
            let start = slot.0.max(Instant::now());
            slot.0 = start + slot.1;
            start
        };
        // A timer costs a tick (~1 ms) even when already due; skip it when there is no wait.
        if start > Instant::now() {
            tokio::time::sleep_until(start).await;
        }
        // Taken last, so that a task waiting for a slow host does not hold up the others.
        let global = self.global.clone().acquire_owned().await.ok();
        Pass {
            _host: host_permit,
            _global: global,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_to_one_host_are_spaced() {
        let gates = Gates::new(Limits {
            per_host: 4,
            interval: Duration::from_millis(500),
            global: 8,
        });
        let t0 = Instant::now();
        let _a = gates.enter("a").await;
        let _b = gates.enter("a").await;
        assert!(Instant::now() - t0 >= Duration::from_millis(500));
        // Another host is not held up by the first one's interval.
        let t1 = Instant::now();
        let _c = gates.enter("b").await;
        assert_eq!(Instant::now(), t1);
        gates.slow_down("b", Duration::from_secs(2));
        assert_eq!(gates.interval("b"), Duration::from_secs(2));
        gates.slow_down("b", Duration::from_secs(1));
        assert_eq!(gates.interval("b"), Duration::from_secs(2));
    }
}
