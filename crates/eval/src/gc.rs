//! Collecting reference cycles.
//!
//! Values are reference counted, which frees almost everything as soon as it
//! is unused, except cycles: a `let` or `rec` scope whose slots hold closures
//! or thunks that point back at the scope. Module-system code creates such
//! cycles in every function with a `let`, and without collection they add up
//! to gigabytes.
//!
//! The collector is synchronous trial deletion (Bacon and Rajan) over the
//! object graph reachable from every live scope: it counts, for each object,
//! the references that come from inside that graph. An object with more
//! strong references than internal ones is held from outside (the Rust stack,
//! an opaque native thunk), so it and everything it reaches are live. The rest
//! is garbage held only by cycles; clearing the slots of its scopes and the
//! states of its thunks breaks every cycle (cycles can only be built through
//! those two mutable places), and reference counting frees the rest.
//!
//! Only `let` and `rec` scopes (and function scopes whose defaults refer to
//! their own formals) are tracked as roots: a function's argument slots are
//! filled before its scope exists, so such scopes are in a cycle only when an
//! argument thunk later evaluates to something that captured the scope, which
//! is rare; such a cycle is found when a tracked scope is part of it and is
//! otherwise kept (memory, never correctness).
//!
//! Collections are generational: an object that survives two collections
//! (or one full collection) is marked old in its `GcHeader`, and minor
//! collections treat old objects as held from outside without looking inside
//! them. A full collection runs when as many objects became old as were live
//! after the previous full one.
//!
//! Collection runs only at function calls, when the tracked scopes still held
//! (by cycles or for real) reach three times the number held after the last
//! collection, and at least `MIN_THRESHOLD`.

use std::rc::{Rc, Weak};

use crate::value::*;
use crate::Evaluator;

/// Scopes held (by cycles or for real) before a collection is considered.
const MIN_THRESHOLD: usize = 30_000;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Node {
    Env(*const Env),
    Thunk(*const Thunk),
    Attrs(*const Attrs),
    List(*const List),
    Closure(*const Closure),
    App(*const PrimOpApp),
}

struct Info {
    node: Node,
    strong: u32,
    internal: u32,
    /// Its edges could not be read (borrowed right now): keep it.
    opaque: bool,
    live: bool,
}

/// The scopes the collector knows about, and when to look at them next.
#[derive(Default)]
pub(crate) struct Tracker {
    /// Tracked scopes that are not old.
    envs: Vec<Weak<Env>>,
    /// Length of `envs` at which to drop its dead entries and check the
    /// threshold.
    prune_at: usize,
    /// Held scopes in `envs` at which the next collection runs.
    threshold: usize,
    /// Numbers collections, so object headers from earlier ones are ignored.
    epoch: u64,
    /// Tracked scopes that became old; roots only of full collections.
    old_envs: Vec<Weak<Env>>,
    /// Objects made old since the last full collection, and the live objects
    /// it found: a full collection runs when the first exceeds the second.
    promoted: usize,
    live_after_full: usize,
    /// Buffers kept between collections: a fresh multi-megabyte buffer each
    /// time costs more in page faults than the collection itself.
    buffers: Buffers,
}

#[derive(Default)]
struct Buffers {
    infos: Vec<Info>,
    stack: Vec<usize>,
    freed_slots: Vec<Slots>,
    freed_states: Vec<ThunkState>,
}

/// The collector's header in an object.
///
/// SAFETY: `node` must point to a live object.
unsafe fn header(node: Node) -> &'static std::cell::Cell<u64> {
    match node {
        Node::Env(p) => &(*p).gc.0,
        Node::Thunk(p) => &(*p).gc.0,
        Node::Attrs(p) => &(*p).gc.0,
        Node::List(p) => &(*p).gc.0,
        Node::Closure(p) => &(*p).gc.0,
        Node::App(p) => &(*p).gc.0,
    }
}

/// Header bits: the object survived one collection, or two (old: minor
/// collections do not look inside it).
const SURVIVED: u64 = 1 << 62;
const OLD: u64 = 1 << 63;
const FLAGS: u64 = OLD | SURVIVED;
const EPOCH_MASK: u64 = (1 << 30) - 1;

/// The nodes of one collection, found through the headers of the objects.
struct Graph {
    epoch: u64,
    /// A full collection also looks inside old objects.
    full: bool,
    infos: Vec<Info>,
}

impl Graph {
    fn index(&self, node: Node) -> Option<usize> {
        // SAFETY: nodes are live during a collection.
        let value = unsafe { header(node) }.get();
        ((value >> 32) & EPOCH_MASK == self.epoch).then_some((value & 0xffff_ffff) as usize)
    }

    /// Whether a minor collection treats the node as held from outside.
    fn skipped(&self, node: Node) -> bool {
        // SAFETY: as above.
        !self.full && unsafe { header(node) }.get() & OLD != 0
    }

    /// The node's index, adding it (and returning true) when it is new.
    fn insert(&mut self, node: Node, strong: usize) -> (usize, bool) {
        let strong = strong.min(u32::MAX as usize) as u32;
        if let Some(index) = self.index(node) {
            return (index, false);
        }
        let index = self.infos.len();
        // SAFETY: as above.
        let flags = unsafe { header(node) }.get() & FLAGS;
        // SAFETY: as above.
        unsafe { header(node) }.set(flags | (self.epoch & EPOCH_MASK) << 32 | index as u64);
        self.infos.push(Info { node, strong, internal: 0, opaque: false, live: false });
        (index, true)
    }
}

fn value_node(value: &Value) -> Option<(Node, usize)> {
    Some(match value {
        Value::Thunk(rc) => (Node::Thunk(Rc::as_ptr(rc)), Rc::strong_count(rc)),
        Value::Attrs(rc) => (Node::Attrs(Rc::as_ptr(rc)), Rc::strong_count(rc)),
        Value::List(rc) => (Node::List(Rc::as_ptr(rc)), Rc::strong_count(rc)),
        Value::Lambda(rc) => (Node::Closure(Rc::as_ptr(rc)), Rc::strong_count(rc)),
        Value::PrimOpApp(rc) => (Node::App(Rc::as_ptr(rc)), Rc::strong_count(rc)),
        _ => return None,
    })
}

fn env_node(env: &Rc<Env>) -> (Node, usize) {
    (Node::Env(Rc::as_ptr(env)), Rc::strong_count(env))
}

/// Calls `visit` for every reference `node` holds; returns false when the
/// node's contents are borrowed and could not be read.
///
/// SAFETY: `node` must point to a live object; the collector guarantees this
/// by dropping nothing until it has finished looking.
unsafe fn for_each_child(node: Node, visit: &mut dyn FnMut((Node, usize))) -> bool {
    match node {
        Node::Env(pointer) => {
            let env = &*pointer;
            let Ok(slots) = env.slots.try_borrow() else {
                return false;
            };
            for value in slots.iter() {
                if let Some(child) = value_node(value) {
                    visit(child);
                }
            }
            if let Some(parent) = &env.parent {
                visit(env_node(parent));
            }
        }
        Node::Thunk(pointer) => {
            let thunk = &*pointer;
            let Ok(state) = thunk.state.try_borrow() else {
                return false;
            };
            match &*state {
                ThunkState::Pending(_, env) => visit(env_node(env)),
                ThunkState::Apply(function, argument) => {
                    for value in [function, argument] {
                        if let Some(child) = value_node(value) {
                            visit(child);
                        }
                    }
                }
                ThunkState::Done(value) => {
                    if let Some(child) = value_node(value) {
                        visit(child);
                    }
                }
                // What a native closure captured cannot be seen: the objects
                // it holds look externally referenced and stay alive.
                ThunkState::Native(_) | ThunkState::Blackhole => {}
            }
        }
        Node::Attrs(pointer) => {
            for entry in (*pointer).entries() {
                if let Some(child) = value_node(&entry.value) {
                    visit(child);
                }
            }
        }
        Node::List(pointer) => {
            for item in (*pointer).iter() {
                if let Some(child) = value_node(item) {
                    visit(child);
                }
            }
        }
        Node::Closure(pointer) => visit(env_node(&(*pointer).env)),
        Node::App(pointer) => {
            for arg in (*pointer).args.iter() {
                if let Some(child) = value_node(arg) {
                    visit(child);
                }
            }
        }
    }
    true
}

impl Evaluator {
    /// Registers a new scope with the cycle collector.
    #[inline]
    pub(crate) fn track(&self, env: &Rc<Env>) {
        self.stats.scopes.set(self.stats.scopes.get() + 1);
        let mut tracker = self.gc.borrow_mut();
        tracker.envs.push(Rc::downgrade(env));
        if tracker.envs.len() >= tracker.prune_at {
            // Most scopes die by reference counting; only scopes still held
            // (by cycles or for real) count towards a collection.
            tracker.envs.retain(|weak| weak.strong_count() > 0);
            if tracker.envs.len() >= tracker.threshold.max(MIN_THRESHOLD) {
                self.gc_due.set(true);
            }
            tracker.prune_at = tracker.envs.len() * 2 + MIN_THRESHOLD / 4;
        }
    }

    /// Runs a collection if enough scopes were created since the last one.
    /// Must only be called where no `RefCell` of a value is borrowed.
    #[inline]
    pub(crate) fn maybe_collect(&self) {
        if self.gc_due.get() {
            self.gc_due.set(false);
            self.collect_cycles();
        }
    }

    /// Frees the values that are only held by reference cycles; returns how
    /// many scopes were found to be garbage.
    pub fn collect_cycles(&self) -> usize {
        let full = {
            let tracker = self.gc.borrow();
            tracker.promoted > tracker.live_after_full.max(4 * MIN_THRESHOLD)
        };
        self.collect(full)
    }

    /// A minor collection starts from the scopes that are not old yet and
    /// stops at old objects; a full one looks at everything.
    pub fn collect(&self, full: bool) -> usize {
        let roots: Vec<Rc<Env>> = {
            let mut tracker = self.gc.borrow_mut();
            tracker.envs.retain(|weak| weak.strong_count() > 0);
            let mut roots: Vec<Rc<Env>> = tracker.envs.iter().filter_map(Weak::upgrade).collect();
            if full {
                roots.extend(tracker.old_envs.drain(..).filter_map(|weak| weak.upgrade()));
            }
            roots
        };
        let epoch = {
            let mut tracker = self.gc.borrow_mut();
            tracker.epoch += 1;
            tracker.epoch
        };
        let mut buffers = std::mem::take(&mut self.gc.borrow_mut().buffers);
        buffers.infos.clear();
        buffers.stack.clear();
        let mut graph = Graph { epoch, full, infos: std::mem::take(&mut buffers.infos) };
        let mut stack = std::mem::take(&mut buffers.stack);
        for root in &roots {
            let (node, strong) = env_node(root);
            if graph.skipped(node) {
                continue;
            }
            let (index, new) = graph.insert(node, strong);
            if new {
                stack.push(index);
            }
            // Our own handle on the root is not a reference from the heap.
            graph.infos[index].strong -= 1;
        }
        // Discover the graph and count references from inside it.
        let mut children = Vec::new();
        while let Some(index) = stack.pop() {
            children.clear();
            // SAFETY: nothing is dropped while the collector looks.
            let readable = unsafe { for_each_child(graph.infos[index].node, &mut |child| children.push(child)) };
            if !readable {
                graph.infos[index].opaque = true;
            }
            for &(child, strong) in &children {
                if graph.skipped(child) {
                    continue;
                }
                let (child_index, new) = graph.insert(child, strong);
                graph.infos[child_index].internal += 1;
                if new {
                    stack.push(child_index);
                }
            }
        }
        // Everything reachable from an externally held object is live.
        let mut live: Vec<usize> = Vec::new();
        for (index, info) in graph.infos.iter_mut().enumerate() {
            if info.opaque || info.strong > info.internal {
                info.live = true;
                live.push(index);
            }
        }
        let mut child_nodes = Vec::new();
        while let Some(index) = live.pop() {
            child_nodes.clear();
            // SAFETY: as above.
            unsafe { for_each_child(graph.infos[index].node, &mut |(child, _)| child_nodes.push(child)) };
            for &child in &child_nodes {
                if let Some(child_index) = graph.index(child) {
                    if !graph.infos[child_index].live {
                        graph.infos[child_index].live = true;
                        live.push(child_index);
                    }
                }
            }
        }
        // Break the garbage cycles; drop what they held only at the end.
        let mut freed_slots = std::mem::take(&mut buffers.freed_slots);
        let mut freed_states = std::mem::take(&mut buffers.freed_states);
        let mut garbage_envs = 0;
        for info in &graph.infos {
            if info.live {
                continue;
            }
            match info.node {
                // SAFETY: as above; garbage is unreachable from any code.
                Node::Env(pointer) => unsafe {
                    if let Ok(mut slots) = (*pointer).slots.try_borrow_mut() {
                        freed_slots.push(std::mem::take(&mut *slots));
                        garbage_envs += 1;
                    }
                },
                Node::Thunk(pointer) => unsafe {
                    if let Ok(mut state) = (*pointer).state.try_borrow_mut() {
                        freed_states.push(std::mem::replace(&mut *state, ThunkState::Blackhole));
                    }
                },
                _ => {}
            }
        }
        let visited = graph.infos.len();
        // Age the survivors: twice surviving (or surviving a full
        // collection) makes an object old.
        let mut promoted = 0;
        for info in &graph.infos {
            if !info.live {
                continue;
            }
            // SAFETY: live objects are still alive.
            let header = unsafe { header(info.node) };
            let value = header.get();
            if full || value & SURVIVED != 0 {
                if value & OLD == 0 {
                    promoted += 1;
                }
                header.set(value | OLD);
            } else {
                header.set(value | SURVIVED);
            }
        }
        freed_states.clear();
        freed_slots.clear();
        buffers.infos = graph.infos;
        buffers.infos.clear();
        buffers.stack = stack;
        buffers.freed_slots = freed_slots;
        buffers.freed_states = freed_states;
        let mut tracker = self.gc.borrow_mut();
        tracker.envs.clear();
        for root in &roots {
            // SAFETY: the roots are alive (we hold them).
            let old = unsafe { header(env_node(root).0) }.get() & OLD != 0;
            if old {
                tracker.old_envs.push(Rc::downgrade(root));
            } else {
                tracker.envs.push(Rc::downgrade(root));
            }
        }
        if full {
            tracker.promoted = 0;
            tracker.live_after_full = visited;
        } else {
            tracker.promoted += promoted;
        }
        drop(roots);
        tracker.envs.retain(|weak| weak.strong_count() > 0);
        // Collect again when the scopes still held have tripled: a factor of
        // two collected twice as often for a third less memory on the fleet
        // benchmark.
        tracker.threshold = tracker.envs.len() * 3;
        tracker.prune_at = tracker.envs.len() * 2 + MIN_THRESHOLD / 4;
        if std::env::var_os("STRATA_GC_STATS").is_some() {
            eprintln!(
                "gc{}: {garbage_envs} scopes garbage, {} young and {} old scopes held, {visited} objects visited",
                if full { " (full)" } else { "" },
                tracker.envs.len(),
                tracker.old_envs.len()
            );
        }
        garbage_envs
    }
}
