//! Uploaded files, through object_store: a local folder
//! (`<data_dir>/uploads`) by default. Keys are made by us, never from a
//! file's own name.

use std::sync::Arc;

use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::config::Config;

#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
}

impl Storage {
    pub fn new(config: &Config) -> anyhow::Result<Storage> {
        let dir = config.data_dir.join("uploads");
        std::fs::create_dir_all(&dir)?;
        Ok(Storage {
            store: Arc::new(LocalFileSystem::new_with_prefix(dir)?),
        })
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
        self.store
            .put(&Path::from(key), PutPayload::from(bytes))
            .await?;
        Ok(())
    }

    pub async fn get(&self, key: &str) -> anyhow::Result<Vec<u8>> {
        Ok(self
            .store
            .get(&Path::from(key))
            .await?
            .bytes()
            .await?
            .to_vec())
    }

    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        self.store.delete(&Path::from(key)).await?;
        Ok(())
    }
}

/// A new random key under a folder, e.g. `letters/12/3f9a....pdf`.
pub fn new_key(folder: &str, extension: &str) -> String {
    format!(
        "{folder}/{}.{extension}",
        hex::encode(crate::auth::secret::random_token().as_bytes())[..32].to_owned()
    )
}
