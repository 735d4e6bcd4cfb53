//! Reading the files a user names on the command line (snapshot, configuration, waivers, lock
//! file, saved reports, test cases) through cap-std: the file's directory is opened once with
//! ambient authority, and the file is opened *inside* that handle, so a name can never reach
//! outside the directory it was given in (no `..`, no absolute symlink escape).

use cap_std::ambient_authority;
use cap_std::fs::{Dir, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The directory holding `path` (`.` for a bare file name) and the file's name in it.
fn split(path: &Path) -> io::Result<(PathBuf, PathBuf)> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a file name (ends in `..` or `/`)",
        )
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, PathBuf::from(name)))
}

/// Opens the directory containing `path`.
pub fn dir_of(path: &Path) -> io::Result<(Dir, PathBuf)> {
    let (dir, name) = split(path)?;
    Ok((Dir::open_ambient_dir(dir, ambient_authority())?, name))
}

/// Opens `path` for reading.
pub fn open(path: &Path) -> io::Result<File> {
    let (dir, name) = dir_of(path)?;
    dir.open(&name).map_err(|e| {
        // cap-std's wording ("a path led outside of the filesystem") does not say what to do.
        let escapes = e.kind() == io::ErrorKind::PermissionDenied
            && dir.symlink_metadata(&name).is_ok_and(|m| m.is_symlink());
        if escapes {
            io::Error::new(
                io::ErrorKind::PermissionDenied,
                "a symbolic link leading outside its directory; pass the file it points to",
            )
        } else {
            e
        }
    })
}

/// Reads the whole file at `path`.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open(path)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads the whole file at `path` as UTF-8 text.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    let bytes = read(path)?;
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// The regular files directly in `dir` whose name ends in `.ext`, sorted, as paths under `dir`.
pub fn files_with_extension(dir: &Path, ext: &str) -> io::Result<Vec<PathBuf>> {
    let handle = Dir::open_ambient_dir(dir, ambient_authority())?;
    let mut out = Vec::new();
    for entry in handle.entries()? {
        let entry = entry?;
        let name = PathBuf::from(entry.file_name());
        if entry.file_type()?.is_file() && name.extension().is_some_and(|e| e == ext) {
            out.push(dir.join(name));
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_files_and_lists_a_directory() {
        let tmp = tempfile::tempdir().expect("tmp");
        std::fs::write(tmp.path().join("b.json"), "{}").expect("write");
        std::fs::write(tmp.path().join("a.json"), "[]").expect("write");
        std::fs::write(tmp.path().join("c.txt"), "x").expect("write");
        assert_eq!(
            read_to_string(&tmp.path().join("a.json")).expect("read"),
            "[]"
        );
        let names: Vec<_> = files_with_extension(tmp.path(), "json")
            .expect("list")
            .iter()
            .map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        assert_eq!(names, [Some("a.json".into()), Some("b.json".into())]);
        assert!(read(&tmp.path().join("missing.json")).is_err());
        assert!(
            read(Path::new("/")).is_err(),
            "a directory root is not a file name"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_cannot_lead_outside_the_directory() {
        let outside = tempfile::tempdir().expect("tmp");
        std::fs::write(outside.path().join("secret"), "s").expect("write");
        let inside = tempfile::tempdir().expect("tmp");
        std::os::unix::fs::symlink(outside.path().join("secret"), inside.path().join("link"))
            .expect("symlink");
        assert!(read(&inside.path().join("link")).is_err());
    }
}
