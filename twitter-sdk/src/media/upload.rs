//! The upload requests: one-shot for images, segmented for everything else.

use serde_json::{Value, json};
use social_core::http::Method;
use social_core::multipart::Multipart;
use social_core::upload::FileIdentity;
use social_core::upload::report_progress;
use social_core::{ChunkPlan, MediaSource, RequestSpec, Result};

use super::processing::{MediaStatus, ProcessingState};
use super::{
    MediaData, MediaKind, MediaUpload, PendingMedia, Prepared, UploadedMedia, media_data, prepare,
};
use crate::client::{ApiRequest, Client};

/// X numbers segments 0 to 999.
const MAX_SEGMENTS: u64 = 1_000;

impl Client {
    /// Uploads media and waits until X has processed it:
    /// [`Client::upload_media_unprocessed`] then [`Client::finish_media`].
    ///
    /// Images go up in one request; GIFs and videos in segments of the
    /// client's chunk size, each streamed from disk and re-sent from disk
    /// when its connection fails. Videos and GIFs are then polled, following
    /// X's `check_after_secs`, until they succeed, fail
    /// ([`social_core::Error::Processing`]) or pass the poll deadline
    /// ([`social_core::Error::Timeout`], which keeps the media id). Call the
    /// two steps yourself to keep the media id when a step after the upload
    /// fails.
    pub async fn upload_media(&self, upload: MediaUpload) -> Result<UploadedMedia> {
        let pending = self.upload_media_unprocessed(upload).await?;
        self.finish_media(&pending).await
    }

    /// Uploads media and returns once X has the bytes, without waiting for
    /// processing; [`Client::finish_media`] waits and sets the alt text.
    pub async fn upload_media_unprocessed(&self, upload: MediaUpload) -> Result<PendingMedia> {
        let info = upload.source.probe().await?;
        let prepared = prepare(&upload, info)?;
        let kind = prepared.category_kind();

        let data = if kind == MediaKind::Image && upload.additional_owners.is_empty() {
            let data = self.upload_whole(&upload, &prepared).await?;
            report_progress(
                upload.progress.as_ref(),
                prepared.info.len,
                prepared.info.len,
            );
            data
        } else {
            self.upload_segments(&upload, &prepared).await?
        };
        Ok(PendingMedia {
            status: MediaStatus::from_data(&data),
            media_key: data.media_key,
            kind,
            category: prepared.category,
            size: prepared.info.len,
            alt_text: upload.alt_text,
        })
    }

    /// Waits for an upload's processing to succeed, then sets its alt text.
    pub async fn finish_media(&self, pending: &PendingMedia) -> Result<UploadedMedia> {
        if pending.status.state != ProcessingState::Succeeded {
            self.wait_for_media_from(pending.status.clone()).await?;
        }
        if let Some(text) = &pending.alt_text {
            self.set_alt_text(&pending.status.id, text).await?;
        }
        Ok(UploadedMedia {
            id: pending.status.id.clone(),
            media_key: pending.media_key.clone(),
            kind: pending.kind,
            category: pending.category,
            size: pending.size,
        })
    }

    /// Sets the alt text of an uploaded image or GIF.
    pub async fn set_alt_text(&self, media_id: &str, text: &str) -> Result<()> {
        crate::validate::check_id("media_id", media_id)?;
        super::check_alt_text(Some(text), MediaKind::Image)?;
        // NOTE: the body shape (`id` plus `metadata.alt_text.text`) is recalled
        // from X's v2 media metadata schema, not read from a stored copy.
        let body = json!({ "id": media_id, "metadata": { "alt_text": { "text": text } } });
        let request = ApiRequest::new(
            Method::POST,
            "2/media/metadata",
            RequestSpec::idempotent("media_metadata"),
        )
        .json(body);
        self.send(request).await?;
        Ok(())
    }

    async fn upload_whole(&self, upload: &MediaUpload, prepared: &Prepared) -> Result<MediaData> {
        let form = Multipart::new()
            .text("media_category", prepared.category.as_str())
            .media(
                "media",
                prepared.info.file_name.as_deref().unwrap_or("media"),
                &prepared.info.mime,
                &upload.source,
                0,
                prepared.info.len,
            )?;
        // Uploading creates only an unattached media object, so a repeat
        // after a lost response costs nothing visible.
        let spec = RequestSpec::idempotent("media_upload").upload_chunk();
        let request = ApiRequest::new(Method::POST, "2/media/upload", spec).multipart(form);
        let response = self.send(request).await?;
        media_data(&response)
    }

    async fn upload_segments(
        &self,
        upload: &MediaUpload,
        prepared: &Prepared,
    ) -> Result<MediaData> {
        let total = prepared.info.len;
        let identity = match &upload.source {
            MediaSource::File(path) => Some(FileIdentity::read(path).await?),
            _ => None,
        };
        let media_id = self.initialize(upload, prepared).await?;
        // X takes at most 1000 segments, so very large files get larger ones.
        let chunk_size = self.inner.chunk_size.max(total.div_ceil(MAX_SEGMENTS));
        let plan = ChunkPlan::fixed(total, chunk_size)?;
        tracing::debug!(
            media_id,
            segments = plan.count(),
            chunk_size,
            "uploading media segments"
        );

        for chunk in plan.chunks() {
            // A file rewritten mid-upload would mix bytes of two versions.
            if let Some(identity) = &identity {
                identity.ensure_unchanged().await?;
            }
            let form = Multipart::new()
                .text("segment_index", chunk.index.to_string())
                .media(
                    "media",
                    "blob",
                    &prepared.info.mime,
                    &upload.source,
                    chunk.start,
                    chunk.len,
                )?;
            let spec = RequestSpec::idempotent("media_append").upload_chunk();
            let path = format!("2/media/upload/{media_id}/append");
            self.send(ApiRequest::new(Method::POST, path, spec).multipart(form))
                .await?;
            report_progress(upload.progress.as_ref(), chunk.end(), total);
        }

        if let Some(identity) = &identity {
            identity.ensure_unchanged().await?;
        }
        let path = format!("2/media/upload/{media_id}/finalize");
        let spec = RequestSpec::idempotent("media_finalize");
        let response = self.send(ApiRequest::new(Method::POST, path, spec)).await?;
        media_data(&response)
    }

    async fn initialize(&self, upload: &MediaUpload, prepared: &Prepared) -> Result<String> {
        let mut body = json!({
            "media_type": prepared.info.mime.essence_str(),
            "total_bytes": prepared.info.len,
            "media_category": prepared.category.as_str(),
        });
        if !upload.additional_owners.is_empty() {
            body["additional_owners"] = Value::from(upload.additional_owners.clone());
        }
        // An upload session shows nothing to anyone, so creating a second one
        // after a lost response is harmless.
        let spec = RequestSpec::idempotent("media_initialize");
        let request = ApiRequest::new(Method::POST, "2/media/upload/initialize", spec).json(body);
        let response = self.send(request).await?;
        Ok(media_data(&response)?.id)
    }
}

impl Prepared {
    fn category_kind(&self) -> MediaKind {
        self.category.kind()
    }
}
