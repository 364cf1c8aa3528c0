//! `thumbnails.set`: a custom thumbnail, sent as the raw image.

use std::path::Path;

use social_core::auth::with_token_refresh;
use social_core::upload::slice_body;
use social_core::{Error, MediaSource, RequestSpec, Result, Secret};

use crate::client::{Client, bearer};
use crate::model::ThumbnailSetResponse;
use crate::videos::validate_video_id;

impl Client {
    /// Sets a custom thumbnail from a JPEG or PNG file.
    ///
    /// The type is read from the file's first bytes, and the size is
    /// checked against the client's limit (2 MiB by default) before
    /// anything is sent. The account must be allowed to set custom
    /// thumbnails, otherwise YouTube returns `forbidden`.
    pub async fn set_thumbnail(
        &self,
        video_id: &str,
        path: impl AsRef<Path>,
    ) -> Result<ThumbnailSetResponse> {
        validate_video_id(video_id)?;
        let source = MediaSource::file(path.as_ref());
        let info = source.probe().await?;
        if info.len == 0 {
            return Err(Error::invalid_input("thumbnail", "the file is empty"));
        }
        let mime = info.mime.essence_str().to_owned();
        if mime != "image/jpeg" && mime != "image/png" {
            return Err(Error::invalid_input(
                "thumbnail",
                format!(
                    "{} is {mime}; YouTube accepts JPEG or PNG thumbnails",
                    path.as_ref().display()
                ),
            ));
        }
        let limit = self.inner.thumbnail_limit;
        if info.len > limit {
            return Err(Error::invalid_input(
                "thumbnail",
                format!("{} bytes; the limit is {limit} bytes", info.len),
            ));
        }

        let url = self.upload_url("thumbnails/set", &[("videoId", video_id)])?;
        // Setting the same image again changes nothing, so retries are safe.
        let spec = RequestSpec::idempotent("thumbnails.set").upload_chunk();
        let len = info.len;
        let response = with_token_refresh(self.inner.tokens.as_ref(), |token: Secret| {
            let (spec, url, source, mime) = (&spec, &url, &source, &mime);
            async move {
                let authorization = bearer(&token)?;
                self.inner
                    .http
                    .execute(spec, |http| {
                        Ok(http
                            .post(url.clone())
                            .header(reqwest::header::AUTHORIZATION, authorization.clone())
                            .header(reqwest::header::CONTENT_TYPE, mime.as_str())
                            .header(reqwest::header::CONTENT_LENGTH, len)
                            .body(slice_body(source, 0, len)?))
                    })
                    .await
            }
        })
        .await?;
        response.json()
    }
}
