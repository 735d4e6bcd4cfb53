//! One part of an AWS export: the export's files seen from a sub-directory (an account's
//! `accounts/ID/`, a region's `regions/REGION/`, or the export's root), so the readers name
//! their files the same way whatever layout the export has.

use crate::import::common::ImportError;
use crate::import::files::{Answer, ExportFiles};
use serde::de::DeserializeOwned;

/// The export's files under `base` (empty, or a relative directory ending in `/`).
pub struct Scoped<'a> {
    files: &'a mut ExportFiles,
    base: String,
}

impl<'a> Scoped<'a> {
    /// The files of `files` under `base` (`""` for the export's root, else ending in `/`).
    pub fn new(files: &'a mut ExportFiles, base: &str) -> Scoped<'a> {
        Scoped {
            files,
            base: base.to_string(),
        }
    }

    /// The same files under the sub-directory `dir` of this part (`dir` without a trailing `/`).
    pub fn sub(&mut self, dir: &str) -> Scoped<'_> {
        Scoped {
            base: format!("{}{dir}/", self.base),
            files: self.files,
        }
    }

    /// This same part, borrowed again (where a sub-directory is optional).
    pub fn sub_root(&mut self) -> Scoped<'_> {
        Scoped {
            base: self.base.clone(),
            files: self.files,
        }
    }

    /// `rel` relative to the export's root.
    fn path(&self, rel: &str) -> String {
        format!("{}{rel}", self.base)
    }

    /// The display path of `rel`, as [`ExportFiles::display`].
    pub fn display(&self, rel: &str) -> String {
        self.files.display(&self.path(rel))
    }

    /// Parses `rel` as one call's answer, as [`ExportFiles::answer`].
    pub fn answer<T: DeserializeOwned>(&mut self, rel: &str) -> Result<Answer<T>, ImportError> {
        let path = self.path(rel);
        self.files.answer(&path)
    }

    /// Parses `rel` as one JSON document, as [`ExportFiles::document`].
    pub fn document<T: DeserializeOwned>(&mut self, rel: &str) -> Result<Option<T>, ImportError> {
        let path = self.path(rel);
        self.files.document(&path)
    }
}
