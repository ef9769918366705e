//! Where uploaded files' bytes live: a local folder (the default, `<data_dir>/files`) or any
//! S3-compatible store (`HUB_S3_*`), both through `object_store`, so one type serves both and
//! no request signing is written here. Rows about files are the store's; bytes are this
//! module's. Writes stream in bounded parts and are aborted, leaving nothing behind, when the
//! upload stops short (too large, a client gone, a refused type).

use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt as _, TryStreamExt as _};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt as _, WriteMultipart};

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};

/// Bytes buffered before a part is sent: S3's smallest part, and the most one upload holds.
const PART_BYTES: usize = 5 * 1024 * 1024;
/// Parts of one upload in flight at once.
const PARTS_IN_FLIGHT: usize = 1;

/// The file storage in use.
#[derive(Clone)]
pub struct FileStorage {
    objects: Arc<dyn ObjectStore>,
    /// `local <folder>` or `s3 <bucket>`, for logs and `/readyz`.
    description: String,
}

impl std::fmt::Debug for FileStorage {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.description)
    }
}

/// An open write of one file: bytes go in with [`Upload::write`]; it ends with
/// [`Upload::finish`] or [`Upload::abort`] (dropping it unfinished aborts too, in the background).
pub struct Upload {
    writer: Option<WriteMultipart>,
    written: u64,
}

/// Part of a stored file, as a stream of chunks.
pub struct StoredBytes {
    /// The chunks.
    pub chunks: BoxStream<'static, Result<Bytes>>,
    /// Which bytes of the file they are.
    pub range: Range<u64>,
}

fn storage_error(err: object_store::Error) -> Error {
    match err {
        object_store::Error::NotFound { .. } => Error::not_found("file"),
        other => Error::new(ErrorKind::Unavailable, format!("file storage failed: {other}")).with_source(other),
    }
}

impl FileStorage {
    /// The storage the configuration names: S3 when `s3_bucket` is set, else the local folder
    /// (created when missing).
    pub fn open(config: &Config) -> Result<FileStorage> {
        match &config.s3_bucket {
            Some(bucket) => {
                let mut builder = AmazonS3Builder::new()
                    .with_bucket_name(bucket)
                    .with_region(config.s3_region.clone())
                    .with_virtual_hosted_style_request(!config.s3_path_style);
                if let Some(endpoint) = &config.s3_endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"));
                }
                if let (Some(key), Some(secret)) = (&config.s3_access_key_id, &config.s3_secret_access_key) {
                    builder = builder.with_access_key_id(key).with_secret_access_key(secret);
                }
                let store = builder
                    .build()
                    .map_err(|err| Error::invalid("s3_bucket", format!("cannot use the S3 settings: {err}")))?;
                Ok(FileStorage {
                    objects: Arc::new(store),
                    description: format!("s3 {bucket}"),
                })
            }
            None => {
                let folder = config.data_dir.join("files");
                std::fs::create_dir_all(&folder)
                    .map_err(|err| Error::invalid("data_dir", format!("cannot create {}: {err}", folder.display())))?;
                let store = LocalFileSystem::new_with_prefix(&folder)
                    .map_err(|err| Error::invalid("data_dir", format!("cannot use {}: {err}", folder.display())))?
                    // Deleting a file removes the folders it leaves empty.
                    .with_automatic_cleanup(true);
                Ok(FileStorage {
                    objects: Arc::new(store),
                    description: format!("local {}", folder.display()),
                })
            }
        }
    }

    /// `local <folder>` or `s3 <bucket>`.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Starts writing the file at `key`.
    pub async fn start(&self, key: &str) -> Result<Upload> {
        let upload = self
            .objects
            .put_multipart(&ObjectPath::from(key))
            .await
            .map_err(storage_error)?;
        Ok(Upload {
            writer: Some(WriteMultipart::new_with_chunk_size(upload, PART_BYTES)),
            written: 0,
        })
    }

    /// The bytes of `key` in `range` (all of them without one).
    pub async fn read(&self, key: &str, range: Option<Range<u64>>) -> Result<StoredBytes> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let got = self
            .objects
            .get_opts(&ObjectPath::from(key), options)
            .await
            .map_err(storage_error)?;
        let range = got.range.clone();
        Ok(StoredBytes {
            chunks: got.into_stream().map_err(storage_error).boxed(),
            range,
        })
    }

    /// Removes the file at `key`; one already gone is fine.
    pub async fn remove(&self, key: &str) -> Result<()> {
        match self.objects.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(storage_error(err)),
        }
    }

    /// Whether a file is at `key` (for tests and checks).
    pub async fn exists(&self, key: &str) -> Result<bool> {
        match self.objects.head(&ObjectPath::from(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(err) => Err(storage_error(err)),
        }
    }

    /// Every key stored, for tests that check nothing was left behind.
    pub async fn keys(&self) -> Result<Vec<String>> {
        self.objects
            .list(None)
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
            .await
            .map_err(storage_error)
    }
}

impl Upload {
    /// Adds `chunk`, waiting while earlier parts are still being sent (memory stays bounded).
    pub async fn write(&mut self, chunk: &[u8]) -> Result<()> {
        let Some(writer) = self.writer.as_mut() else {
            return Err(Error::internal("write after the upload ended"));
        };
        writer.wait_for_capacity(PARTS_IN_FLIGHT).await.map_err(storage_error)?;
        writer.write(chunk);
        self.written += chunk.len() as u64;
        Ok(())
    }

    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Completes the file.
    pub async fn finish(mut self) -> Result<u64> {
        let Some(writer) = self.writer.take() else {
            return Err(Error::internal("the upload ended already"));
        };
        writer.finish().await.map_err(storage_error)?;
        Ok(self.written)
    }

    /// Gives the file up: nothing of it stays in the storage.
    pub async fn abort(mut self) -> Result<()> {
        match self.writer.take() {
            Some(writer) => writer.abort().await.map_err(storage_error),
            None => Ok(()),
        }
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        // An upload dropped mid-way (the request was cancelled) must not leave parts behind.
        if let Some(writer) = self.writer.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(async move {
                if let Err(err) = writer.abort().await {
                    tracing::warn!(error = %err, "could not abort an unfinished upload");
                }
            });
        }
    }
}
