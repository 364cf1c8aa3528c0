//! The creator info query, which TikTok requires right before each post.

use social_core::{RequestSpec, Result};

use crate::client::Client;
use crate::model::CreatorInfo;
use crate::rate_limit;

impl Client {
    /// Queries the creator's posting options (scope `video.publish`).
    ///
    /// TikTok returns its cap errors here with HTTP 200 and an error code,
    /// so a `spam_risk_too_many_posts` comes back as
    /// [`ErrorKind::QuotaExceeded`](social_core::ErrorKind::QuotaExceeded)
    /// even though the status says OK.
    pub async fn creator_info(&self) -> Result<CreatorInfo> {
        let spec = RequestSpec::idempotent("creator_info").quota(rate_limit::CREATOR_INFO);
        let reply = self
            .call::<CreatorInfo>(&spec, "post/publish/creator_info/query/", None)
            .await?;
        tracing::debug!(
            log_id = reply.log_id.as_deref().unwrap_or_default(),
            options = reply.data.privacy_level_options.len(),
            "creator info"
        );
        Ok(reply.data)
    }
}
