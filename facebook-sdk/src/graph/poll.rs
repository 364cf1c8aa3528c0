//! Polling a processing state until it settles or a deadline passes.

use std::future::Future;
use std::time::Duration;

use social_core::{Error, Platform, PollSettings, Result, TimeoutError, Timer};

/// The result of one status check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollStatus<T> {
    /// Finished; polling stops with this value.
    Done(T),
    /// Still running, in `state`; `retry_in` is the platform's hint for the
    /// next check, when it gave one.
    Pending {
        /// The state as the platform named it, kept for the timeout error.
        state: String,
        /// The platform's hint for the next check.
        retry_in: Option<Duration>,
    },
}

/// Runs `check` until it returns [`PollStatus::Done`] or an error, waiting
/// between checks as `settings` sets.
///
/// The first check runs at once. A failed processing state is the caller's
/// to report: `check` returns it as an error (usually `ProcessingError`),
/// which ends polling. When `settings.deadline` passes, the result is a
/// `TimeoutError` keeping `id` and the last state, so the caller can check
/// again later. Time comes from `timer`, so tests with `ManualTimer` never wait.
///
/// Settings with a zero `initial_interval` or `max_interval` are rejected
/// with `InvalidInput` naming `poll_settings` before the first check,
/// because they would make the loop check again without pausing.
pub async fn poll_until<T, F, Fut>(
    timer: &dyn Timer,
    settings: &PollSettings,
    platform: Platform,
    id: &str,
    mut check: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<PollStatus<T>>>,
{
    check_settings(settings)?;
    let started = timer.now();
    let mut attempt = 1;
    loop {
        let (state, retry_in) = match check().await? {
            PollStatus::Done(value) => return Ok(value),
            PollStatus::Pending { state, retry_in } => (state, retry_in),
        };
        let waited = timer.now().duration_since(started).unwrap_or_default();
        if waited >= settings.deadline {
            return Err(TimeoutError::new(platform, id, Some(state), waited).into());
        }
        let delay = settings
            .interval(attempt, retry_in)
            .min(settings.deadline - waited);
        tracing::debug!(id, state = %state, delay_ms = delay.as_millis() as u64, "still processing");
        timer.sleep(delay).await;
        attempt += 1;
    }
}

/// Checks that `settings` always pause between two checks.
pub fn check_settings(settings: &PollSettings) -> Result<()> {
    if settings.initial_interval.is_zero() || settings.max_interval.is_zero() {
        return Err(Error::invalid_input(
            "poll_settings",
            "has a zero interval; polling without a pause would flood the API",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use social_core::Error;
    use social_core::testing::ManualTimer;

    use super::*;

    fn settings() -> PollSettings {
        PollSettings {
            initial_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(8),
            deadline: Duration::from_secs(30),
        }
    }

    #[tokio::test]
    async fn polls_with_backoff_until_done() {
        let timer = ManualTimer::new();
        let checks = AtomicU32::new(0);

        let value = poll_until(&timer, &settings(), Platform::Facebook, "v1", || async {
            let n = checks.fetch_add(1, Ordering::SeqCst);
            Ok(if n < 4 {
                PollStatus::Pending {
                    state: "processing".into(),
                    retry_in: None,
                }
            } else {
                PollStatus::Done(n)
            })
        })
        .await
        .expect("done");

        assert_eq!(value, 4);
        assert_eq!(
            timer.sleeps(),
            [2, 4, 8, 8].map(Duration::from_secs).to_vec()
        );
    }

    #[tokio::test]
    async fn deadline_gives_timeout_with_id() {
        let timer = ManualTimer::new();

        let error = poll_until(&timer, &settings(), Platform::Facebook, "v9", || async {
            Ok(PollStatus::<()>::Pending {
                state: "processing".into(),
                retry_in: None,
            })
        })
        .await
        .expect_err("never finishes");

        let Error::Timeout(timeout) = &error else {
            panic!("expected a timeout, got {error:?}");
        };
        assert_eq!(timeout.id(), "v9");
        assert_eq!(timeout.last_state(), Some("processing"));
        assert_eq!(timer.total_slept(), Duration::from_secs(30));
    }

    #[tokio::test]
    async fn zero_interval_rejected_before_checking() {
        let timer = ManualTimer::new();
        let checks = AtomicU32::new(0);
        let zero = PollSettings {
            initial_interval: Duration::ZERO,
            ..settings()
        };

        let error = poll_until(&timer, &zero, Platform::Facebook, "v1", || async {
            checks.fetch_add(1, Ordering::SeqCst);
            Ok(PollStatus::<()>::Pending {
                state: "processing".into(),
                retry_in: None,
            })
        })
        .await
        .expect_err("zero interval");

        let Error::InvalidInput(invalid) = &error else {
            panic!("expected InvalidInput, got {error:?}");
        };
        assert_eq!(invalid.field(), "poll_settings");
        assert_eq!(checks.load(Ordering::SeqCst), 0);
    }
}
