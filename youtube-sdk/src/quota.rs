//! YouTube's daily quotas and their costs, for planning and for the
//! optional client-side limiter.
//!
//! Since June 2026 a project has three buckets a day: 100 `videos.insert`
//! calls, 100 `search.list` calls, and 10 000 units for everything else.
//! Older documentation charges 1600 units per upload out of the shared
//! pool; both models may still be met. Quotas reset at midnight Pacific
//! time ([`next_quota_reset`](crate::next_quota_reset)); a spent quota is
//! [`ErrorKind::QuotaExceeded`](social_core::ErrorKind::QuotaExceeded) and
//! is never retried.

use std::sync::Arc;
use std::time::Duration;

use social_core::{Quota, QuotaLimiter, Timer};

/// Default `videos.insert` calls per day (own bucket).
pub const UPLOADS_PER_DAY: u32 = 100;
/// Default units per day for every other call.
pub const UNITS_PER_DAY: u32 = 10_000;
/// Units charged by `videos.list`.
pub const COST_VIDEOS_LIST: u32 = 1;
/// Units charged by `videos.update`.
pub const COST_VIDEOS_UPDATE: u32 = 50;
/// Units charged by `videos.delete`.
pub const COST_VIDEOS_DELETE: u32 = 50;
/// Units charged by `thumbnails.set` (about 50).
pub const COST_THUMBNAILS_SET: u32 = 50;
/// Units charged by `playlistItems.insert`.
pub const COST_PLAYLIST_ITEMS_INSERT: u32 = 50;

/// A limiter that keeps uploads under `uploads_per_day` in any 24-hour
/// window, so a batch job stops short of the project's bucket instead of
/// meeting `quotaExceeded`. Pass it to
/// [`ClientBuilder::quota_limiter`](crate::ClientBuilder::quota_limiter).
pub fn upload_limiter(uploads_per_day: u32, timer: Arc<dyn Timer>) -> QuotaLimiter {
    QuotaLimiter::new(
        [(
            "videos.insert".to_owned(),
            Quota::new(uploads_per_day, Duration::from_secs(24 * 3600)),
        )],
        timer,
    )
}
