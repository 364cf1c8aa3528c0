//! Chunk plans for `FILE_UPLOAD`, following TikTok's media transfer rules.
//!
//! TikTok counts chunks as `floor(video_size / chunk_size)`, and the last
//! chunk takes the trailing bytes, so it may be larger than `chunk_size`.
//! Its guide gives the limits in "MB" and mixes decimal examples
//! (10 000 000) with binary ones (4 MB = 4 194 304), so the bounds here are
//! the ones that hold under both readings:
//!
//! | rule | bound |
//! | --- | --- |
//! | smallest chunk | 5 242 880 bytes (5 MiB) |
//! | largest chunk | 64 000 000 bytes |
//! | largest last chunk | 128 000 000 bytes |
//! | whole-file upload | files under 5 242 880 bytes go up as one chunk |
//! | several chunks | required for files over 64 000 000 bytes |
//! | chunk count | 1 to 1000 |

use social_core::{ChunkPlan, Error, Result};

/// The minimum chunk size TikTok accepts, except for a whole small file.
pub const MIN_CHUNK_SIZE: u64 = 5 * 1024 * 1024;

/// The maximum chunk size TikTok accepts, except for the last chunk.
pub const MAX_CHUNK_SIZE: u64 = 64_000_000;

/// The maximum size of the last chunk, which takes the bytes left after the others.
pub const MAX_LAST_CHUNK_SIZE: u64 = 128_000_000;

/// The maximum number of chunks in one upload.
pub const MAX_CHUNK_COUNT: u64 = 1000;

/// The chunk size the SDK prefers when the caller names none: 10 000 000
/// bytes, the size of TikTok's worked example.
pub const DEFAULT_CHUNK_SIZE: u64 = 10_000_000;

/// Plans the chunks of a `video_size`-byte upload.
///
/// `preferred_chunk_size` must lie within [`MIN_CHUNK_SIZE`] and
/// [`MAX_CHUNK_SIZE`]. It is used as given when that yields a valid plan,
/// and moved the least that does otherwise:
///
/// - a file under [`MIN_CHUNK_SIZE`] bytes goes up whole, as one chunk;
/// - a file that the preferred size would leave in one chunk goes up whole
///   when it has at most [`MAX_CHUNK_SIZE`] bytes, and in two halves when
///   it is larger;
/// - a file that would need more than 1000 chunks gets larger chunks.
///
/// Returns [`Error::InvalidInput`] for an empty file, a preferred size out
/// of bounds, or a file too large for 1000 chunks.
///
/// ```
/// let plan = tiktok_sdk::chunk::plan_chunks(50_000_123, 10_000_000)?;
///
/// assert_eq!(plan.count(), 5);
/// let last = plan.chunk(4).expect("five chunks");
/// assert_eq!((last.start, last.last_byte()), (40_000_000, 50_000_122));
/// # Ok::<(), social_core::Error>(())
/// ```
pub fn plan_chunks(video_size: u64, preferred_chunk_size: u64) -> Result<ChunkPlan> {
    check_preferred(preferred_chunk_size)?;
    if video_size == 0 {
        return Err(Error::invalid_input(
            "video_size",
            "the video is empty; choose a file with content",
        ));
    }
    if video_size < MIN_CHUNK_SIZE {
        return ChunkPlan::floor(video_size, video_size);
    }

    let mut chunk_size = preferred_chunk_size;
    if video_size / chunk_size <= 1 {
        if video_size <= MAX_CHUNK_SIZE {
            return ChunkPlan::floor(video_size, video_size);
        }
        // Over the chunk limit and under twice the preferred size: two
        // halves, each at least 32 000 000 bytes.
        chunk_size = video_size / 2;
    }
    if video_size / chunk_size > MAX_CHUNK_COUNT {
        // The smallest size that keeps floor(video_size / size) at 1000.
        chunk_size = video_size / (MAX_CHUNK_COUNT + 1) + 1;
    }
    if chunk_size > MAX_CHUNK_SIZE {
        return Err(Error::invalid_input(
            "video_size",
            format!(
                "{video_size} bytes do not fit in {MAX_CHUNK_COUNT} chunks of at most \
                 {MAX_CHUNK_SIZE} bytes; TikTok cannot take a file this large"
            ),
        ));
    }
    let plan = ChunkPlan::floor(video_size, chunk_size)?;
    validate_plan(&plan)?;
    Ok(plan)
}

fn check_preferred(preferred_chunk_size: u64) -> Result<()> {
    if (MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&preferred_chunk_size) {
        return Ok(());
    }
    Err(Error::invalid_input(
        "chunk_size",
        format!(
            "{preferred_chunk_size} bytes is outside TikTok's chunk limits; choose a size from \
             {MIN_CHUNK_SIZE} to {MAX_CHUNK_SIZE} bytes"
        ),
    ))
}

/// Checks a plan against TikTok's chunk rules (see the module docs), so a
/// plan TikTok would reject at init is caught before any request.
pub fn validate_plan(plan: &ChunkPlan) -> Result<()> {
    let fail = |reason: String| Err(Error::invalid_input("chunk_plan", reason));
    let total = plan.total();
    let count = plan.count();
    if total == 0 {
        return fail("the plan covers no bytes; the video is empty".to_owned());
    }
    if count == 0 || count > MAX_CHUNK_COUNT {
        return fail(format!(
            "{count} chunks; TikTok takes 1 to {MAX_CHUNK_COUNT}"
        ));
    }
    if count != (total / plan.chunk_size().max(1)).max(1) {
        return fail(format!(
            "{count} chunks of {} bytes for {total} bytes; TikTok counts \
             floor(video_size / chunk_size)",
            plan.chunk_size()
        ));
    }
    if count == 1 {
        return validate_single_chunk(plan);
    }
    if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&plan.chunk_size()) {
        return fail(format!(
            "chunks of {} bytes; each chunk must be {MIN_CHUNK_SIZE} to {MAX_CHUNK_SIZE} bytes",
            plan.chunk_size()
        ));
    }
    let last = plan.chunk(count - 1).map_or(0, |c| c.len);
    if last > MAX_LAST_CHUNK_SIZE {
        return fail(format!(
            "the last chunk has {last} bytes; TikTok takes at most {MAX_LAST_CHUNK_SIZE}"
        ));
    }
    Ok(())
}

fn validate_single_chunk(plan: &ChunkPlan) -> Result<()> {
    let total = plan.total();
    if total > MAX_CHUNK_SIZE {
        return Err(Error::invalid_input(
            "chunk_plan",
            format!(
                "one chunk of {total} bytes; files over {MAX_CHUNK_SIZE} bytes need several \
                 chunks, so choose a chunk size of at most half the file"
            ),
        ));
    }
    let chunk_size = plan.chunk_size();
    let whole_file = chunk_size == total;
    if !whole_file && !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&chunk_size) {
        return Err(Error::invalid_input(
            "chunk_plan",
            format!(
                "chunk_size {chunk_size} for a one-chunk upload of {total} bytes; set chunk_size \
                 to the file size, or to {MIN_CHUNK_SIZE} to {MAX_CHUNK_SIZE} bytes"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
