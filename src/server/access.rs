//! The application's access handlers: the write handlers (`IedServer_handleWriteAccess*`),
//! which of them decides a client's write, and the read access handler
//! (`IedServer_setReadAccessHandler`). A request is served in three steps so that the
//! handler runs with no lock held: checks under the data model lock, the handler, then the
//! store (or read) under the lock.
//!
//! Observed on the reference: the handler is told the written attribute and the new value;
//! a handler of an attribute decides writes of exactly that attribute, one of a complex
//! attribute also those of its parts, one of a data object and FC every write below it
//! with that FC. `DATA_ACCESS_ERROR_SUCCESS` stores the value, `..._SUCCESS_NO_UPDATE`
//! answers success without storing, any other code is the client's error.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;

use super::model::ModelIndex;
use super::runtime::{Application, Connection};
use super::services::{
    commit_write, plan_write, read, read_target, serve, ServiceContext, ServiceError, WriteStep,
};
use crate::mms::pdu::{ConfirmedService, ConfirmedServiceResponse};
use crate::mms::MmsValue;

/// `DATA_ACCESS_ERROR_SUCCESS`: store the value.
pub const SUCCESS: i32 = -1;
/// `DATA_ACCESS_ERROR_SUCCESS_NO_UPDATE`: success, the model keeps its value.
pub const SUCCESS_NO_UPDATE: i32 = -3;

/// Decides a write: told the written attribute (C address) and the value, which it may
/// change; returns a `MmsDataAccessError` code.
pub type WriteHandler = Arc<dyn Fn(usize, &mut MmsValue, &Arc<Connection>) -> i32 + Send + Sync>;

/// Decides a read: told the logical device, logical node and data object (C addresses, 0
/// for a whole FC) and the FC; returns a `MmsDataAccessError` code (SUCCESS allows it).
pub type ReadHandler = Arc<dyn Fn(usize, usize, usize, i32, &Arc<Connection>) -> i32 + Send + Sync>;

/// What a write handler was installed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Writes of exactly this attribute (C address).
    Attribute(usize),
    /// Writes of this complex attribute and of its parts.
    Complex(usize),
    /// Writes of anything with this FC below this data object.
    DataObject(usize, i32),
}

/// The access handlers of a server.
#[derive(Default)]
pub struct AccessHandlers {
    handlers: Mutex<HashMap<Scope, WriteHandler>>,
    read: Mutex<Option<ReadHandler>>,
}

impl AccessHandlers {
    /// Installs (or with `None` removes) the read access handler.
    pub fn set_read(&self, handler: Option<ReadHandler>) {
        *self.read.lock() = handler;
    }

    /// One variable of a read, asking the read access handler first.
    fn read(
        &self,
        handler: &ReadHandler,
        model: &Mutex<ModelIndex>,
        connection: &Arc<Connection>,
        var: &crate::mms::access::VariableRef,
    ) -> Result<MmsValue, i32> {
        let target = read_target(&model.lock(), var);
        if let Some((device, ln, data_object, fc)) = target {
            // No lock is held here.
            match handler(device, ln, data_object, fc, connection) {
                SUCCESS => {}
                code => return Err(code),
            }
        }
        read(&model.lock(), var)
    }

    /// Installs (or with `None` removes) the handler of `scope`.
    pub fn set(&self, scope: Scope, handler: Option<WriteHandler>) {
        let mut handlers = self.handlers.lock();
        match handler {
            Some(h) => handlers.insert(scope, h),
            None => handlers.remove(&scope),
        };
    }

    /// The handler deciding a write of the last node of `chain` (data object first; C
    /// address, whether a data object) with `fc`: the attribute's own, then a complex
    /// one's from the nearest up, then a data object's.
    fn find(&self, chain: &[(usize, bool)], fc: i32) -> Option<WriteHandler> {
        let handlers = self.handlers.lock();
        let &(target, _) = chain.last()?;
        let own = handlers.get(&Scope::Attribute(target));
        let complex = || {
            chain
                .iter()
                .rev()
                .filter(|(_, is_do)| !is_do)
                .find_map(|&(addr, _)| handlers.get(&Scope::Complex(addr)))
        };
        let object = || {
            chain
                .iter()
                .rev()
                .filter(|(_, is_do)| *is_do)
                .find_map(|&(addr, _)| handlers.get(&Scope::DataObject(addr, fc)))
        };
        own.or_else(complex).or_else(object).cloned()
    }

    /// One variable of a write.
    fn write(
        &self,
        model: &Mutex<ModelIndex>,
        ctx: &ServiceContext,
        connection: &Arc<Connection>,
        var: &crate::mms::access::VariableRef,
        value: &MmsValue,
    ) -> Result<(), i32> {
        let step = plan_write(&model.lock(), ctx, var, value, |chain, fc| {
            self.find(chain, fc)
        });
        let (handler, attribute) = match step {
            WriteStep::Done(result) => return result,
            WriteStep::Ask { handler, attribute } => (handler, attribute),
        };
        // No lock is held here: the handler may lock the data model or update values.
        let mut value = value.clone();
        match handler(attribute, &mut value, connection) {
            SUCCESS => commit_write(&model.lock(), var, &value),
            SUCCESS_NO_UPDATE => Ok(()),
            code => Err(code),
        }
    }
}

impl Application for AccessHandlers {
    fn involved(&self, service: &ConfirmedService) -> bool {
        match service {
            ConfirmedService::Write { .. } => !self.handlers.lock().is_empty(),
            ConfirmedService::Read { .. } => self.read.lock().is_some(),
            _ => false,
        }
    }

    fn serve(
        &self,
        model: &Mutex<ModelIndex>,
        ctx: &ServiceContext,
        connection: &Arc<Connection>,
        service: &ConfirmedService,
    ) -> Result<ConfirmedServiceResponse, ServiceError> {
        if let (ConfirmedService::Read { vars }, Some(handler)) =
            (service, self.read.lock().clone())
        {
            return Ok(ConfirmedServiceResponse::Read(
                vars.iter()
                    .map(|var| self.read(&handler, model, connection, var))
                    .collect(),
            ));
        }
        let ConfirmedService::Write { vars, values } = service else {
            return serve(&model.lock(), ctx, service);
        };
        Ok(ConfirmedServiceResponse::Write(
            vars.iter()
                .zip(values)
                .map(|(var, value)| self.write(model, ctx, connection, var, value))
                .collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handler(code: i32) -> WriteHandler {
        Arc::new(move |_, _, _| code)
    }

    fn code_of(found: Option<WriteHandler>) -> Option<usize> {
        found.map(|h| Arc::as_ptr(&h) as *const () as usize)
    }

    #[test]
    fn the_nearest_scope_decides() {
        let w = AccessHandlers::default();
        // Data object 1 holds complex attribute 2 holding leaf 3.
        let chain = [(1, true), (2, false), (3, false)];
        assert!(w.find(&chain, 2).is_none());
        let (on_do, on_complex, on_leaf) = (handler(1), handler(2), handler(3));
        w.set(Scope::DataObject(1, 2), Some(on_do.clone()));
        assert_eq!(code_of(w.find(&chain, 2)), code_of(Some(on_do.clone())));
        // Another FC of the data object: not its handler.
        assert!(w.find(&chain, 4).is_none());
        w.set(Scope::Complex(2), Some(on_complex.clone()));
        assert_eq!(
            code_of(w.find(&chain, 2)),
            code_of(Some(on_complex.clone()))
        );
        assert_eq!(code_of(w.find(&chain[..2], 2)), code_of(Some(on_complex)));
        w.set(Scope::Attribute(3), Some(on_leaf.clone()));
        assert_eq!(code_of(w.find(&chain, 2)), code_of(Some(on_leaf.clone())));
        // A leaf's handler does not decide writes of its parent.
        w.set(Scope::Complex(2), None);
        assert_eq!(code_of(w.find(&chain[..2], 2)), code_of(Some(on_do)));
        w.set(Scope::DataObject(1, 2), None);
        w.set(Scope::Attribute(3), None);
        assert!(w.find(&chain, 2).is_none());
        assert!(!w.involved(&ConfirmedService::Write {
            vars: Vec::new(),
            values: Vec::new()
        }));
    }
}
