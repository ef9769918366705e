//! Files: upload (streamed into the file storage, typed by content, bounded by size and
//! quota), who may see and fetch one, deletion, and the files shown on message views. A file
//! is its uploader's alone until a message is sent with it; then whoever reads the message's
//! channel may fetch it.

mod attach;

use bytes::Bytes;
use futures_util::{Stream, StreamExt as _};

use crate::error::{Error, ErrorKind, Result};
use crate::events::BusMessage;
use crate::model::{FileId, StoredFile};
use crate::protocol::v1::{ChannelEvent, ControlFrame, FileView};
use crate::rules::{files, permissions};
use crate::service::{Caller, Hub, now};
use crate::storage::{StoredBytes, Upload};

/// What a download sends: the file, which of its bytes, and those bytes.
pub struct Download {
    /// The file.
    pub file: StoredFile,
    /// The bytes sent (all of them, or the part a `Range` asked for).
    pub bytes: StoredBytes,
    /// Whether only a part is sent (206).
    pub partial: bool,
}

fn too_large(limit: u64, quota: bool) -> Error {
    let message = match quota {
        true => {
            format!("this file would take you past your storage quota ({limit} bytes left); delete some files first")
        }
        false => format!("files may be at most {limit} bytes"),
    };
    Error::new(ErrorKind::PayloadTooLarge, message)
        .with_field("file")
        .with_details(serde_json::json!({ "max_bytes": limit, "quota": quota }))
}

impl Hub {
    /// Stores an upload: `chunks` are the file's bytes as they arrive, `name` what the client
    /// called it. The type is decided from the first bytes and must be allowed (415); past the
    /// size limit or the uploader's quota the upload stops (413). Either way, and when the
    /// stream fails, nothing of it is kept.
    pub async fn upload_file<S>(&self, caller: &Caller, name: &str, chunks: S) -> Result<FileView>
    where
        S: Stream<Item = Result<Bytes>> + Unpin,
    {
        self.charge_action(caller).await?;
        let config = &self.inner.config.files;
        let used = u64::try_from(self.inner.store.stored_bytes(&caller.user.id).await?).unwrap_or(0);
        let left = config.quota_bytes_per_user.saturating_sub(used);
        let (limit, by_quota) = match left < config.max_file_bytes {
            true => (left, true),
            false => (config.max_file_bytes, false),
        };
        let mut chunks = chunks;
        // The start decides the type before anything is written.
        let mut head = Vec::new();
        let mut pending: Option<Bytes> = None;
        while head.len() < files::SNIFF_BYTES {
            match chunks.next().await.transpose()? {
                Some(chunk) => {
                    let room = files::SNIFF_BYTES - head.len();
                    if chunk.len() > room {
                        head.extend_from_slice(&chunk[..room]);
                        pending = Some(chunk.slice(room..));
                    } else {
                        head.extend_from_slice(&chunk);
                    }
                }
                None => break,
            }
            if head.len() as u64 > limit {
                return Err(too_large(limit, by_quota));
            }
        }
        if head.is_empty() {
            return Err(Error::invalid("file", "the file is empty"));
        }
        let content_type = files::sniff(&head);
        files::check_type(content_type, &config.allowed_types)?;

        let id = FileId::generate();
        let key = id.to_string();
        let mut upload = self.inner.files.start(&key).await?;
        let written = match copy_into(&mut upload, &head, pending, &mut chunks, limit).await {
            Ok(()) => upload.finish().await?,
            Err(err) => {
                upload.abort().await?;
                return Err(match err {
                    Copy::TooLarge => too_large(limit, by_quota),
                    Copy::Failed(err) => err,
                });
            }
        };
        let (width, height) = match content_type.starts_with("image/") {
            true => imagesize::blob_size(&head)
                .map(|size| (i64::try_from(size.width).ok(), i64::try_from(size.height).ok()))
                .unwrap_or((None, None)),
            false => (None, None),
        };
        let file = StoredFile {
            id,
            uploader_id: Some(caller.user.id.clone()),
            name: files::safe_file_name(name),
            content_type: content_type.to_owned(),
            size_bytes: i64::try_from(written).unwrap_or(i64::MAX),
            width,
            height,
            storage_key: key,
            message_id: None,
            channel_id: None,
            created_at: now(),
        };
        if let Err(err) = self.inner.store.insert_file(&file).await {
            // No row, no file: the bytes go too.
            self.inner.files.remove(&file.storage_key).await?;
            return Err(err);
        }
        let view = FileView::from(&file);
        if let Some(frame) = (ControlFrame::FileCreated { file: view.clone() }).to_json() {
            self.inner.bus.publish(BusMessage::ToUsers {
                user_ids: vec![caller.user.id.clone()],
                except_connection: caller.connection_id,
                frame,
            });
        }
        Ok(view)
    }

    /// A file the caller may see: one on a message of a channel they may read, or one of
    /// their own not sent yet. Anything else does not exist for them (404).
    pub(crate) async fn visible_file(&self, caller: &Caller, id: &FileId) -> Result<StoredFile> {
        let file = self
            .inner
            .store
            .file(id)
            .await?
            .ok_or_else(|| Error::not_found("file"))?;
        let visible = match &file.channel_id {
            Some(channel) => {
                let context = self.channel_context(caller, channel).await?;
                permissions::can_see(context.facts, context.viewer)
            }
            None => file.uploader_id.as_ref() == Some(&caller.user.id),
        };
        if !visible {
            return Err(Error::not_found("file"));
        }
        Ok(file)
    }

    /// One file's view.
    pub async fn file(&self, caller: &Caller, id: &FileId) -> Result<FileView> {
        Ok(FileView::from(&self.visible_file(caller, id).await?))
    }

    /// A file's bytes for the caller: all, or those `range` (a `Range` header) names.
    pub async fn download_file(&self, caller: &Caller, id: &FileId, range: Option<&str>) -> Result<Download> {
        let file = self.visible_file(caller, id).await?;
        let size = u64::try_from(file.size_bytes).unwrap_or(0);
        let (wanted, partial) = match files::wanted(range, size)? {
            files::Wanted::Whole => (None, false),
            files::Wanted::Part(part) => (Some(part), true),
        };
        let bytes = self.inner.files.read(&file.storage_key, wanted).await?;
        Ok(Download { file, bytes, partial })
    }

    /// Deletes a file: its uploader, or for one on a message also a channel admin or a site
    /// admin (as for deleting the message). Its bytes go, and the channel hears `file.deleted`.
    pub async fn delete_file(&self, caller: &Caller, id: &FileId) -> Result<()> {
        self.charge_action(caller).await?;
        let file = self.visible_file(caller, id).await?;
        let is_uploader = file.uploader_id.as_ref() == Some(&caller.user.id);
        if let Some(channel) = &file.channel_id {
            let context = self.channel_context(caller, channel).await?;
            permissions::check_delete_message(context.facts, context.viewer, is_uploader)?;
        }
        self.remove_file(&file).await
    }

    /// Removes a file whoever asks (callers check): row first, then bytes, then the event.
    pub(crate) async fn remove_file(&self, file: &StoredFile) -> Result<()> {
        let event = file.message_id.clone().map(|message_id| ChannelEvent::FileDeleted {
            file_id: file.id.clone(),
            message_id,
        });
        let removed = self.inner.store.delete_file(file, event, now()).await?;
        // A row gone means a download can no longer name the bytes; removing them may fail
        // without losing anything but space (the next removal of the key is harmless).
        if let Err(err) = self.inner.files.remove(&file.storage_key).await {
            tracing::warn!(error = %err, file = %file.id, "could not remove a deleted file's bytes");
        }
        match removed {
            Some(Some(event)) => self.publish(event),
            Some(None) => {
                if let (Some(uploader), Some(frame)) = (
                    &file.uploader_id,
                    (ControlFrame::FileDeleted {
                        file_id: file.id.clone(),
                    })
                    .to_json(),
                ) {
                    self.inner.bus.publish(BusMessage::ToUsers {
                        user_ids: vec![uploader.clone()],
                        except_connection: None,
                        frame,
                    });
                }
            }
            None => {}
        }
        Ok(())
    }
}

/// Why copying an upload into the storage stopped.
enum Copy {
    /// Past the limit.
    TooLarge,
    /// The stream or the storage failed.
    Failed(Error),
}

impl From<Error> for Copy {
    fn from(err: Error) -> Self {
        Copy::Failed(err)
    }
}

/// Writes `head`, then `pending`, then the rest of `chunks`, stopping past `limit` bytes.
async fn copy_into<S>(
    upload: &mut Upload,
    head: &[u8],
    pending: Option<Bytes>,
    chunks: &mut S,
    limit: u64,
) -> std::result::Result<(), Copy>
where
    S: Stream<Item = Result<Bytes>> + Unpin,
{
    upload.write(head).await?;
    if let Some(chunk) = pending {
        write_bounded(upload, &chunk, limit).await?;
    }
    while let Some(chunk) = chunks.next().await {
        write_bounded(upload, &chunk?, limit).await?;
    }
    Ok(())
}

async fn write_bounded(upload: &mut Upload, chunk: &[u8], limit: u64) -> std::result::Result<(), Copy> {
    if upload.written() + chunk.len() as u64 > limit {
        return Err(Copy::TooLarge);
    }
    upload.write(chunk).await?;
    Ok(())
}
