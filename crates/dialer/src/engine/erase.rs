//! Erasure in the engine: placeholders learnt, persons forgotten (see
//! [`crate::erased`]).

use std::collections::{HashMap, HashSet};

use model::PhoneNumber;
use model::outbound::ContactEnd;

use super::{Dialer, InputError};
use crate::consent::E164;
use crate::erased::{ErasedFacts, ErasureKey, placeholder_number};

impl Dialer {
    /// Sets the key placeholders are made with (from outside the log,
    /// before any erasure is replayed).
    pub fn set_erasure_key(&mut self, key: ErasureKey) {
        self.registry.erased_mut().set_key(key);
    }

    /// Whether a key is set.
    pub fn has_erasure_key(&self) -> bool {
        self.registry.erased().key().is_some()
    }

    /// A number's placeholder and what the engine knows of the number now
    /// (`None` without a key, or when the number is not in E.164).
    pub fn erased_facts(&self, number: &PhoneNumber) -> Option<(PhoneNumber, ErasedFacts)> {
        let key = E164::of(number)?;
        let placeholder = placeholder_number(self.registry.erased().key()?, key);
        let facts = ErasedFacts {
            facts: crate::zone::number_facts(number),
            lists: self.registry.loaded_lists_of(key),
        };
        Some((placeholder, facts))
    }

    /// Remembers what each placeholder's number was.
    pub(super) fn take_erased(
        &mut self,
        numbers: Vec<(PhoneNumber, ErasedFacts)>,
    ) -> Result<(), InputError> {
        for (p, facts) in numbers {
            let key = Self::key_of(&p)?;
            self.registry.erased_mut().insert(key, facts);
        }
        Ok(())
    }

    /// Closes the persons' open contacts and moves what was kept under
    /// their numbers to the placeholders, so the engine holds what one
    /// rebuilt from the redacted log holds. Nothing changes when one of
    /// their contacts is in a call or a preview.
    pub(super) fn forget(
        &mut self,
        persons: &[u64],
        moves: &[(PhoneNumber, PhoneNumber)],
    ) -> Result<(), InputError> {
        let persons: HashSet<u64> = persons.iter().copied().collect();
        let mut keys: HashMap<E164, (E164, &PhoneNumber)> = HashMap::new();
        for (n, p) in moves {
            keys.insert(Self::key_of(n)?, (Self::key_of(p)?, p));
        }
        let theirs = |c: &crate::contact::Contact| c.person.is_some_and(|p| persons.contains(&p));
        for camp in self.campaigns.values() {
            if let Some(c) =
                (camp.contacts.iter()).find(|c| theirs(c) && c.stage.attempt().is_some())
            {
                return Err(InputError::ContactBusy(c.id));
            }
        }
        for (&n, &(p, _)) in &keys {
            self.registry.forget_number(n, p);
        }
        let (mut ctx, campaigns) = self.ctx();
        for camp in campaigns.values_mut() {
            for (&n, &(p, _)) in &keys {
                if let Some(log) = camp.phone_logs.remove(&n) {
                    camp.phone_logs.insert(p, log);
                }
            }
            let mut open = Vec::new();
            for (i, c) in camp.contacts.iter_mut().enumerate() {
                if !theirs(c) {
                    continue;
                }
                for ph in c.phones.iter_mut() {
                    if let Some(&(p, number)) = ph.key.and_then(|k| keys.get(&k)) {
                        ph.key = Some(p);
                        ph.number = number.clone();
                    }
                }
                if !c.is_closed() {
                    open.push(i as u32);
                }
            }
            for i in open {
                camp.close(&mut ctx, i, ContactEnd::Exhausted, "erased".into());
            }
        }
        Ok(())
    }
}
