//! An emulated AWS account for the end-to-end tests: a moto server on a free loopback port and
//! the AWS CLI configured for it, both from the virtual environments `make aws-emulator`
//! installs under `target/aws-emulator` (see ../shared/aws-emulator.md for the pitfalls met).

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running moto server, stopped when dropped, and the environment that points the AWS CLI at
/// it.
pub struct Emulator {
    child: Child,
    /// The server's URL, e.g. `http://127.0.0.1:40123`.
    pub endpoint: String,
    dir: tempfile::TempDir,
    home: PathBuf,
}

impl Emulator {
    /// The virtual environments' directory.
    pub fn home() -> PathBuf {
        std::env::var_os("POSTURE_AWS_EMULATOR")
            .map(PathBuf::from)
            .unwrap_or_else(|| super::root().join("target/aws-emulator"))
    }

    /// Starts moto with IAM's managed policies loaded and EC2's default images not loaded.
    /// Panics with the command to run when the environments are missing.
    pub fn start() -> Emulator {
        let home = Self::home();
        let server = home.join("moto/bin/moto_server");
        let aws = home.join("awscli/bin/aws");
        assert!(
            server.is_file() && aws.is_file(),
            "the AWS emulator is not installed ({} / {} missing): run `make aws-emulator`",
            server.display(),
            aws.display()
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let dir = tempfile::tempdir().expect("temp dir");
        let log = std::fs::File::create(dir.path().join("moto.log")).expect("moto log");
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start moto_server");
        let emulator = Emulator {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            dir,
            home,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto did not listen on port {port} within 60 s; log: {}",
                emulator.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        std::fs::write(
            emulator.dir.path().join("config"),
            "[default]\nregion = us-east-1\n[plugins]\nposture_moto_s3control = posture_moto_s3control\n",
        )
        .expect("aws config");
        std::fs::write(
            emulator.dir.path().join("credentials"),
            "[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
        )
        .expect("aws credentials");
        emulator
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("moto.log")).unwrap_or_default()
    }

    /// A command running `program` with the AWS CLI on PATH and configured for the emulator:
    /// dummy credentials, us-east-1, no instance metadata, the endpoint in
    /// `AWS_COLLECT_ENDPOINT`, and the S3 Control host-prefix plugin (tests/aws/awscli_plugin).
    pub fn command(&self, program: &Path) -> Command {
        let mut cmd = Command::new("bash");
        cmd.arg(program);
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![self.home.join("awscli/bin")];
        paths.extend(std::env::split_paths(&path));
        cmd.env("PATH", std::env::join_paths(paths).expect("PATH"))
            .env("AWS_CONFIG_FILE", self.dir.path().join("config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.dir.path().join("credentials"),
            )
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_SESSION_TOKEN")
            .env("AWS_COLLECT_ENDPOINT", &self.endpoint)
            .env("PYTHONPATH", super::root().join("tests/aws/awscli_plugin"));
        cmd
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
