//! `secret new-key` prints a new key for secrets at rest (64 hex digits, for
//! `CENTRALITA_SECRET_KEY` or a key file); `secret seal` reads a value on
//! standard input and prints it sealed with the server's key, for a settings
//! file (a trunk's password in the SIP settings). The key is found as the
//! server finds it: `CENTRALITA_SECRET_KEY`, `CENTRALITA_SECRET_KEY_FILE`,
//! else `DATA/secret.key` (made when missing).

use std::io::Read;
use std::process::ExitCode;

use server::secrets::{PURPOSE_CONFIG, SecretBox};

use super::server::{StoreArgs, bad};

/// `secret …`.
#[derive(Debug, clap::Subcommand)]
pub enum SecretCommand {
    /// Print a new random key (64 hex digits).
    NewKey,
    /// Seal the value read on standard input (one line; the newline is dropped).
    Seal {
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// Runs `secret …`.
pub fn run(cmd: SecretCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        SecretCommand::NewKey => {
            println!("{}", server::secrets::new_key());
            Ok(ExitCode::SUCCESS)
        }
        SecretCommand::Seal { store } => {
            let s = store.settings(None)?;
            let key = SecretBox::load(&s.data)?;
            let mut value = String::new();
            std::io::stdin()
                .take(64 * 1024)
                .read_to_string(&mut value)?;
            let value = value.strip_suffix('\n').unwrap_or(&value);
            let value = value.strip_suffix('\r').unwrap_or(value);
            if value.is_empty() {
                return bad("nothing to seal on standard input");
            }
            println!("{}", key.seal(PURPOSE_CONFIG, value));
            Ok(ExitCode::SUCCESS)
        }
    }
}
