//! `playlistItems.insert`: add a video to a playlist.

use serde_json::json;
use social_core::http::Method;
use social_core::{Error, RequestSpec, Result};

use crate::client::Client;
use crate::model::PlaylistItem;
use crate::videos::validate_video_id;

impl Client {
    /// Adds `video_id` to `playlist_id`, at `position` (0-based) or at the
    /// end. Needs the `youtube` or `youtube.force-ssl` scope.
    ///
    /// Not repeated after a 5xx or a dropped connection once the request may
    /// have arrived: a second insert would add the video twice. Such an
    /// error carries `Delivery::Unknown`; check the playlist before trying
    /// again.
    pub async fn insert_playlist_item(
        &self,
        playlist_id: &str,
        video_id: &str,
        position: Option<u32>,
    ) -> Result<PlaylistItem> {
        if playlist_id.trim().is_empty()
            || !playlist_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(Error::invalid_input(
                "playlist_id",
                format!("`{playlist_id}` is not a playlist id such as PL…"),
            ));
        }
        validate_video_id(video_id)?;
        let mut snippet = json!({
            "playlistId": playlist_id,
            "resourceId": { "kind": "youtube#video", "videoId": video_id },
        });
        if let Some(position) = position {
            snippet["position"] = json!(position);
        }
        let url = self.api_url("playlistItems", &[("part", "snippet")])?;
        let response = self
            .call(
                RequestSpec::creating("playlistItems.insert"),
                Method::POST,
                url,
                Some(json!({ "snippet": snippet })),
            )
            .await?;
        response.json()
    }
}
