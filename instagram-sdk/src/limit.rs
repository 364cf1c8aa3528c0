//! The publishing quota, read from `GET /{ig-user-id}/content_publishing_limit`.
//!
//! Meta's pages disagree on the number (100, 50, and 25 in older copies),
//! so it is always read from the API, never assumed.

use facebook_sdk::graph::{GraphRequest, ids};
use serde_json::Value;
use social_core::{ApiError, ErrorKind, Platform, RequestSpec, Result, UnexpectedBody};

use crate::client::Client;
use crate::model::PublishingLimit;

impl Client {
    /// Reads how many posts the account published in the current window and
    /// how many it may publish.
    pub async fn publishing_limit(&self) -> Result<PublishingLimit> {
        let ig_user_id = self.ig_user_id().await?;
        let path = format!("{ig_user_id}/content_publishing_limit");
        let response = self
            .send(|token| {
                GraphRequest::get(
                    RequestSpec::idempotent("read_publishing_limit"),
                    path.as_str(),
                )
                .query("fields", "quota_usage,config")
                .token(token)
            })
            .await?;
        let value = response.json_value()?;
        parse_limit(value).ok_or_else(|| {
            response
                .unexpected(
                    UnexpectedBody::MissingField,
                    "content_publishing_limit has no data[0].quota_usage",
                )
                .into()
        })
    }

    /// Fails with `QuotaExceeded` when the caller asked for the check and
    /// the window is used up.
    pub(crate) async fn check_quota_if_asked(&self, ig_user_id: &str) -> Result<()> {
        if !self.inner.publish.check_quota {
            return Ok(());
        }
        let limit = self.publishing_limit().await?;
        if !limit.is_exhausted() {
            return Ok(());
        }
        let window = limit
            .quota_duration
            .map_or_else(|| "the current window".to_owned(), |s| format!("{s} s"));
        Err(ApiError::new(
            Platform::Instagram,
            ErrorKind::QuotaExceeded,
            format!(
                "account {ig_user_id} published {} of the {} posts allowed in {window}; \
                 publish again when older posts leave the window",
                limit.quota_usage,
                limit.quota_total.unwrap_or_default()
            ),
        )
        .into())
    }
}

/// Reads `{"data":[{"quota_usage":3,"config":{"quota_total":100,"quota_duration":86400}}]}`,
/// with numbers sent as numbers or strings.
fn parse_limit(value: &Value) -> Option<PublishingLimit> {
    let entry = value.get("data")?.as_array()?.first()?;
    let number = |value: Option<&Value>| value.and_then(ids::u64_from_value);
    let config = entry.get("config");
    Some(PublishingLimit {
        quota_usage: number(entry.get("quota_usage"))?,
        quota_total: number(config.and_then(|c| c.get("quota_total"))),
        quota_duration: number(config.and_then(|c| c.get("quota_duration"))),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn limit_read_from_numbers_or_strings() {
        let numbers = json!({"data": [{"quota_usage": 3, "config": {"quota_total": 100, "quota_duration": 86400}}]});
        let strings = json!({"data": [{"quota_usage": "50", "config": {"quota_total": "50"}}]});

        let first = parse_limit(&numbers).expect("numbers");
        let second = parse_limit(&strings).expect("strings");

        assert_eq!(first.remaining(), Some(97));
        assert_eq!(first.quota_duration, Some(86_400));
        assert!(second.is_exhausted());
        assert_eq!(parse_limit(&json!({"data": []})), None);
        assert_eq!(parse_limit(&json!({"data": [{"config": {}}]})), None);
    }
}
