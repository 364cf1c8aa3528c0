//! The clock and sleep used by retries, polling and token expiry, injectable
//! so tests never wait for real.

use std::fmt::Debug;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;

/// A source of the current time and of delays.
#[async_trait]
pub trait Timer: Debug + Send + Sync {
    /// Returns the current wall-clock time.
    fn now(&self) -> SystemTime;

    /// Waits for `duration`.
    async fn sleep(&self, duration: Duration);
}

/// The real clock and tokio's sleep.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioTimer;

#[async_trait]
impl Timer for TokioTimer {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

#[cfg(any(test, feature = "testing"))]
pub use manual::ManualTimer;

#[cfg(any(test, feature = "testing"))]
mod manual {
    use std::sync::Mutex;

    use super::*;

    /// A clock for tests: `sleep` returns at once and moves the clock forward,
    /// and every requested sleep is recorded.
    #[derive(Debug)]
    pub struct ManualTimer {
        state: Mutex<State>,
    }

    #[derive(Debug)]
    struct State {
        now: SystemTime,
        sleeps: Vec<Duration>,
    }

    impl ManualTimer {
        /// Starts the clock at 2023-11-14 22:13:20 UTC (Unix time 1 700 000 000).
        pub fn new() -> ManualTimer {
            ManualTimer::starting_at(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000))
        }

        /// Starts the clock at `now`.
        pub fn starting_at(now: SystemTime) -> ManualTimer {
            ManualTimer {
                state: Mutex::new(State {
                    now,
                    sleeps: Vec::new(),
                }),
            }
        }

        /// Moves the clock forward without recording a sleep.
        pub fn advance(&self, by: Duration) {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.now += by;
        }

        /// Returns every sleep requested so far, in order.
        pub fn sleeps(&self) -> Vec<Duration> {
            let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.sleeps.clone()
        }

        /// Returns the sum of all sleeps requested so far.
        pub fn total_slept(&self) -> Duration {
            self.sleeps().iter().sum()
        }
    }

    impl Default for ManualTimer {
        fn default() -> Self {
            ManualTimer::new()
        }
    }

    #[async_trait]
    impl Timer for ManualTimer {
        fn now(&self) -> SystemTime {
            let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.now
        }

        async fn sleep(&self, duration: Duration) {
            {
                let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
                state.now += duration;
                state.sleeps.push(duration);
            }
            // Let other tasks run, as a real sleep would.
            tokio::task::yield_now().await;
        }
    }
}
