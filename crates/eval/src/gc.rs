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
//! after the previous full one, after `MINOR_COLLECTIONS_IN_A_ROW` minor
//! ones, or after a minor one that looked at many objects and found almost
//! no garbage.
//!
//! Collection runs only at function calls, when the tracked scopes still held
//! (by cycles or for real) reach three times the number held after the last
//! collection, and at least `MIN_THRESHOLD`, or after
//! `CALLS_BETWEEN_COLLECTIONS` calls, or after a number of bytes was
//! allocated (counted by the binary's allocator, see `heap`): 64 MiB before
//! the first collection, then `BYTES_BETWEEN_COLLECTIONS` (32 MiB) after a
//! collection that found much garbage, and twice the previous interval (up
//! to 64 MiB) after one that did not.
//!
//! The cost of a collection is cache misses: one per object it looks at
//! (30k to 190k per collection on the fleet benchmark, a fifth to a half
//! of them garbage). So the collector keeps each graph entry at 16 bytes (a tagged
//! pointer and two counts), finds an object's header at a fixed place (the
//! first field of every collected type), walks the graph breadth-first from a
//! queue while prefetching a few entries ahead so that misses overlap,
//! leaves out objects that hold no other object, ages survivors while it
//! marks them, and touches each garbage scope and thunk once to break it.

use crate::rc::Rc;

use crate::value::*;
use crate::Evaluator;

/// Scopes held (by cycles or for real) before a collection is considered.
const MIN_THRESHOLD: usize = 30_000;

/// Function calls after which a collection runs even if few tracked scopes
/// are held and little was allocated (or the allocator does not count, as
/// in tests): cycles through function scopes (which are not tracked) and
/// through values grow with the calls. (200k calls was the main trigger
/// before allocations were counted.)
pub(crate) const CALLS_BETWEEN_COLLECTIONS: u64 = 1_000_000;

/// Bytes allocated after which a collection runs (where the binary's
/// allocator counts them, see [`crate::heap`]): the garbage the collector
/// looks for is made in proportion to what is allocated.
/// This is the shortest interval, used while collections find garbage (see
/// `collect`). A collection visits the garbage made since the last one and
/// the young objects still live, so longer intervals visit the live ones
/// fewer times. On the 50-machine fleet benchmark (about 54 MiB allocated
/// per machine), measured in the eleventh session: 196 collections visiting
/// 15.5M objects at 8 MiB, 99 visiting 13.5M at 16, 50 visiting 10.3M at
/// 32; median wall over 5 alternating runs 2.55 s at 8 MiB, 2.40 at 16,
/// 2.35 at 32, 2.64 at 64; peaks 64-71, 67, 70 and 98 MiB. (Before the
/// allocator's cache of freed blocks, 8 MiB was as fast as 64 and had the
/// lowest peak.) Programs that make little cyclic garbage hardly collect
/// at all, whatever this is.
const BYTES_BETWEEN_COLLECTIONS: usize = 32 << 20;

/// The longest interval between collections, reached by doubling after
/// collections that found little garbage.
const MAX_BYTES_BETWEEN_COLLECTIONS: usize = 64 << 20;

/// The interval before the first collection: the longest, so that short
/// programs that make little garbage are not collected at all (starting at
/// 32 MiB cost `bench/programs/lib-overlays` 28% more instructions and did
/// not lower the fleet benchmark's peak).
const FIRST_BYTES_BETWEEN_COLLECTIONS: usize = MAX_BYTES_BETWEEN_COLLECTIONS;

/// Scopes and thunks a collection must free to count as productive (see
/// `collect`).
const PRODUCTIVE_GARBAGE: usize = 4096;

/// Minor collections in a row before a full one: objects that live through
/// two minor collections (a machine's option tree while it is evaluated)
/// become old, and only a full collection frees them once they are garbage.
/// On the 50-machine fleet benchmark 5 instead of 3 looks at 10% fewer
/// objects (15.6M instead of 17.3M; 32 full collections instead of 49)
/// with the same peak (65 MiB); 8 looked at no fewer and peaked at 76 MiB.
const MINOR_COLLECTIONS_IN_A_ROW: usize = 5;

/// Objects a minor collection looks at before finding almost no garbage
/// makes the next collection a full one (see `collect`).
const WASTED_MINOR_VISITS: usize = 64 * 1024;

/// An object of the heap: its address, with its kind in the low three bits
/// (every object is at least 8-byte aligned).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Node(usize);

const ENV: usize = 0;
const THUNK: usize = 1;
const ATTRS: usize = 2;
const LIST: usize = 3;
const CLOSURE: usize = 4;
const APP: usize = 5;
const KIND_MASK: usize = 7;

impl Node {
    #[inline]
    fn new<T>(pointer: *const T, kind: usize) -> Node {
        debug_assert_eq!(pointer as usize & KIND_MASK, 0);
        Node(pointer as usize | kind)
    }

    #[inline]
    fn kind(self) -> usize {
        self.0 & KIND_MASK
    }

    #[inline]
    fn pointer<T>(self) -> *const T {
        (self.0 & !KIND_MASK) as *const T
    }

    /// The collector's header in the object: its first field (`#[repr(C)]`).
    ///
    /// SAFETY: the node must point to a live object.
    #[inline]
    unsafe fn header(self) -> &'static std::cell::Cell<u64> {
        &(*self.pointer::<GcHeader>()).0
    }
}

/// One object of a collection. `internal` also holds the `LIVE` flag in its
/// top bit.
struct Info {
    node: Node,
    strong: u32,
    internal: u32,
}

/// The object was found live.
const LIVE: u32 = 1 << 31;
const COUNT_MASK: u32 = LIVE - 1;

/// The scopes the collector knows about, and when to look at them next.
#[derive(Default)]
pub(crate) struct Tracker {
    /// Tracked scopes that are not old.
    envs: Vec<EnvWeak>,
    /// Length of `envs` at which to drop its dead entries and check the
    /// threshold.
    prune_at: usize,
    /// Held scopes in `envs` at which the next collection runs.
    threshold: usize,
    /// Numbers collections, so object headers from earlier ones are ignored.
    epoch: u64,
    /// Tracked scopes that became old; roots only of full collections.
    old_envs: Vec<EnvWeak>,
    /// Objects made old since the last full collection, and the live objects
    /// it found: a full collection runs when the first exceeds the second.
    promoted: usize,
    live_after_full: usize,
    /// Minor collections since the last full one.
    minor_in_a_row: usize,
    /// The allocated bytes ([`crate::heap::allocated`]) at which the next
    /// collection runs; 0 before the first scope is tracked.
    next_bytes: usize,
    /// Bytes to allocate before the next collection: between
    /// [`BYTES_BETWEEN_COLLECTIONS`] and [`MAX_BYTES_BETWEEN_COLLECTIONS`];
    /// 0 until the first collection, read as
    /// [`FIRST_BYTES_BETWEEN_COLLECTIONS`] (see `Tracker::bytes_interval`).
    bytes_interval: usize,
    /// Buffers kept between collections (up to [`KEPT_BUFFER_BYTES`] each):
    /// growing a fresh buffer each time costs more than a small collection.
    buffers: Buffers,
}

impl Tracker {
    /// The bytes to allocate before the next collection.
    fn bytes_interval(&self) -> usize {
        match self.bytes_interval {
            0 => FIRST_BYTES_BETWEEN_COLLECTIONS,
            interval => interval,
        }
    }
}

#[derive(Default)]
struct Buffers {
    infos: Vec<Info>,
    queue: Vec<Node>,
    garbage: Vec<Node>,
    /// The lengths the buffers grew to in the last minor and the last full
    /// collection (`[minor, full]`): the next one of the kind reserves as
    /// much at once. Growing by doubling from a small size copied the
    /// buffers again and again (2% of the fleet benchmark's instructions,
    /// with buffers above [`KEPT_BUFFER_BYTES`] freed after each
    /// collection).
    used: [BufferLengths; 2],
}

#[derive(Default, Clone, Copy)]
struct BufferLengths {
    infos: usize,
    queue: usize,
    garbage: usize,
}

/// Buffers larger than this many bytes are freed after a collection rather
/// than kept: a collection of a large heap (200k objects in a program with
/// a 100k-name set) would otherwise keep megabytes through the rest of the
/// run, often through its peak. The allocator keeps freed memory mapped
/// (the `strata` binary turns purging off), so a later collection that needs them again
/// gets them back without page faults.
const KEPT_BUFFER_BYTES: usize = 1 << 20;

impl Buffers {
    /// Frees the buffers above [`KEPT_BUFFER_BYTES`].
    fn release_large(&mut self) {
        fn release<T>(buffer: &mut Vec<T>) {
            if buffer.capacity() * std::mem::size_of::<T>() > KEPT_BUFFER_BYTES {
                *buffer = Vec::new();
            }
        }
        release(&mut self.infos);
        release(&mut self.queue);
        release(&mut self.garbage);
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

/// Where a node stands in the current collection.
enum Seen {
    /// Old, and this is a minor collection (treated as held from outside),
    /// or holding no other object (it cannot be part of a cycle, and
    /// reference counting frees it with whatever holds it).
    Skipped,
    Known(usize),
    New(usize),
}

impl Graph {
    #[inline]
    fn index(&self, node: Node) -> Option<usize> {
        // SAFETY: nodes are live during a collection.
        let value = unsafe { node.header() }.get();
        ((value >> 32) & EPOCH_MASK == self.epoch).then_some((value & 0xffff_ffff) as usize)
    }

    /// The node's index, adding it when it is new; old nodes are skipped by
    /// minor collections.
    #[inline]
    fn visit(&mut self, node: Node, strong: usize) -> Seen {
        // SAFETY: nodes are live during a collection.
        let header = unsafe { node.header() };
        let value = header.get();
        if (value >> 32) & EPOCH_MASK == self.epoch {
            return Seen::Known((value & 0xffff_ffff) as usize);
        }
        if !self.full && value & OLD != 0 {
            return Seen::Skipped;
        }
        // SAFETY: as above.
        if unsafe { is_leaf(node) } {
            return Seen::Skipped;
        }
        let index = self.infos.len();
        header.set(value & FLAGS | (self.epoch & EPOCH_MASK) << 32 | index as u64);
        let strong = strong.min(COUNT_MASK as usize) as u32;
        self.infos.push(Info { node, strong, internal: 0 });
        Seen::New(index)
    }
}

/// Whether a node holds no other object: a forced thunk with a plain value,
/// a small set or list of plain values. Such nodes are left out of the graph.
///
/// SAFETY: the node must point to a live object.
#[inline]
unsafe fn is_leaf(node: Node) -> bool {
    const SMALL: usize = 8;
    match node.kind() {
        THUNK => match (*node.pointer::<Thunk>()).state() {
            ThunkState::Done(value) => value_node(value).is_none(),
            _ => false,
        },
        ATTRS => {
            // A layer holds the set below it (and its entries are not read
            // here: that would merge them).
            let attrs = Rc::<Attrs>::value_at(node.pointer::<u8>());
            !attrs.is_layered() && {
                let entries = attrs.entries();
                entries.len() <= SMALL && entries.iter().all(|entry| value_node(&entry.value).is_none())
            }
        }
        LIST => {
            let items = (*node.pointer::<List>()).items();
            items.len() <= SMALL && items.iter().all(|item| value_node(item).is_none())
        }
        _ => false,
    }
}

#[inline]
fn value_node(value: &Value) -> Option<Node> {
    Some(match value {
        Value::Thunk(rc) => Node::new(Rc::as_ptr(rc), THUNK),
        Value::Attrs(rc) => Node::new(Rc::as_ptr(rc), ATTRS),
        Value::List(rc) => Node::new(Rc::as_ptr(rc), LIST),
        Value::Lambda(rc) => Node::new(Rc::as_ptr(rc), CLOSURE),
        Value::PrimOpApp(rc) => Node::new(Rc::as_ptr(rc), APP),
        _ => return None,
    })
}

#[inline]
fn env_node(env: &EnvRc) -> Node {
    Node::new(EnvRc::as_ptr(env), ENV)
}

/// The strong reference count of a node's object.
///
/// SAFETY: the node must point to a live object (inside its `Rc`).
#[inline]
unsafe fn strong_count(node: Node) -> usize {
    let value = node.pointer::<u8>();
    match node.kind() {
        ENV => EnvRc::strong_count_at(node.pointer::<Env>()),
        THUNK => Rc::<Thunk>::strong_count_at(value),
        ATTRS => Rc::<Attrs>::strong_count_at(value),
        LIST => Rc::<List>::strong_count_at(value),
        CLOSURE => Rc::<Closure>::strong_count_at(value),
        _ => Rc::<PrimOpApp>::strong_count_at(value),
    }
}

/// Asks the processor to start loading a node's object (its reference
/// counts, header and first fields), so that the loads of the nodes queued
/// after it overlap instead of waiting one after the other.
#[inline(always)]
fn prefetch(node: Node) {
    #[cfg(target_arch = "x86_64")]
    {
        let pointer = node.pointer::<i8>();
        // SAFETY: prefetching is only a hint; it never faults.
        unsafe {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            _mm_prefetch(pointer.wrapping_sub(8), _MM_HINT_T0);
            _mm_prefetch(pointer.wrapping_add(48), _MM_HINT_T0);
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = node;
}

/// How many queued nodes ahead the collector prefetches.
const LOOKAHEAD: usize = 8;

/// Hands every node of `queue` to `visit` in order, also the ones `visit`
/// queues, prefetching [`LOOKAHEAD`] nodes ahead; leaves the queue empty.
#[inline(always)]
fn drain(queue: &mut Vec<Node>, mut visit: impl FnMut(Node, &mut Vec<Node>)) {
    let mut head = 0;
    while head < queue.len() {
        if let Some(&ahead) = queue.get(head + LOOKAHEAD) {
            prefetch(ahead);
        }
        let node = queue[head];
        head += 1;
        visit(node, queue);
    }
    queue.clear();
}

/// Calls `visit` for every reference `node` holds.
///
/// SAFETY: `node` must point to a live object; the collector guarantees this
/// by dropping nothing until it has finished looking. (Reading a scope's
/// slots and a thunk's state through their unchecked views is sound for the
/// same reason: nothing runs that could change them while it looks.)
#[inline]
unsafe fn for_each_child(node: Node, mut visit: impl FnMut(Node)) {
    match node.kind() {
        ENV => {
            let env = EnvRc::borrowed(node.pointer::<Env>());
            for value in env.slots().iter() {
                if let Some(child) = value_node(value) {
                    visit(child);
                }
            }
            if let Some(parent) = &env.parent {
                visit(env_node(parent));
            }
        }
        THUNK => {
            let thunk = &*node.pointer::<Thunk>();
            match thunk.state() {
                ThunkState::Pending(_, env) => visit(env_node(env)),
                ThunkState::Apply(function, argument) => {
                    for value in [function, argument] {
                        if let Some(child) = value_node(value) {
                            visit(child);
                        }
                    }
                }
                ThunkState::Zip { inputs, .. } | ThunkState::MapAttr { inputs, .. } => {
                    visit(Node::new(Rc::as_ptr(inputs), LIST))
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
        ATTRS => {
            let sets = Rc::<Attrs>::value_at(node.pointer::<u8>()).for_each_held(|value| {
                if let Some(child) = value_node(value) {
                    visit(child);
                }
            });
            for set in sets.into_iter().flatten() {
                visit(Node::new(Rc::as_ptr(set), ATTRS));
            }
        }
        LIST => {
            let items = (*node.pointer::<List>()).items();
            for item in items {
                if let Some(child) = value_node(item) {
                    visit(child);
                }
            }
        }
        CLOSURE => visit(env_node(&(*node.pointer::<Closure>()).env)),
        _ => {
            for arg in Rc::<PrimOpApp>::value_at(node.pointer::<u8>()).args().iter() {
                if let Some(child) = value_node(arg) {
                    visit(child);
                }
            }
        }
    }
}

impl Evaluator {
    /// Registers a new scope with the cycle collector.
    #[inline]
    pub(crate) fn track(&self, env: &EnvRc) {
        self.stats.scopes.set(self.stats.scopes.get() + 1);
        let mut tracker = self.gc.borrow_mut();
        tracker.envs.push(EnvRc::downgrade(env));
        let allocated = crate::heap::allocated();
        if allocated >= tracker.next_bytes {
            if tracker.next_bytes != 0 {
                self.gc_due.set(true);
            }
            tracker.next_bytes = allocated + tracker.bytes_interval();
        }
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
    /// Must only be called between steps of evaluation (at calls), never
    /// while a scope or thunk method is running.
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
                || tracker.minor_in_a_row >= MINOR_COLLECTIONS_IN_A_ROW
        };
        self.collect(full)
    }

    /// A minor collection starts from the scopes that are not old yet and
    /// stops at old objects; a full one looks at everything.
    pub fn collect(&self, full: bool) -> usize {
        let roots: Vec<EnvRc> = {
            let mut tracker = self.gc.borrow_mut();
            tracker.envs.retain(|weak| weak.strong_count() > 0);
            let mut roots: Vec<EnvRc> = tracker.envs.iter().filter_map(EnvWeak::upgrade).collect();
            if full {
                roots.extend(tracker.old_envs.drain(..).filter_map(|weak| weak.upgrade()));
            }
            roots
        };
        let epoch = self.next_epoch();
        let mut buffers = std::mem::take(&mut self.gc.borrow_mut().buffers);
        let mut graph = Graph { epoch, full, infos: std::mem::take(&mut buffers.infos) };
        graph.infos.clear();
        // The buffers are sized once instead of growing (and copying) them
        // step by step: as large as in the last collection of this kind, and
        // for the first, from the roots (each reaches several objects).
        let used = buffers.used[full as usize];
        graph.infos.reserve((roots.len() * 8).max(used.infos));
        let mut queue = std::mem::take(&mut buffers.queue);
        queue.clear();
        queue.reserve((roots.len() * 8).max(used.queue));
        let show_stats = std::env::var_os("STRATA_GC_STATS").is_some();
        let started = if show_stats { thread_cpu_ns() } else { 0 };
        // Discover the graph and count references from inside it. Nodes
        // are queued (and prefetched a few ahead) rather than looked at as
        // they are found: each look is a cache miss, and queued ones overlap.
        for root in &roots {
            let node = env_node(root);
            match graph.visit(node, EnvRc::strong_count(root)) {
                Seen::Skipped => continue,
                // Our own handle on the root is not a reference from the heap.
                Seen::Known(index) => graph.infos[index].strong -= 1,
                Seen::New(index) => {
                    graph.infos[index].strong -= 1;
                    // SAFETY: nothing is dropped while the collector looks.
                    unsafe { for_each_child(node, |child| queue.push(child)) };
                }
            }
            drain(&mut queue, |child, queue| {
                // SAFETY: as above.
                match graph.visit(child, unsafe { strong_count(child) }) {
                    Seen::Skipped => {}
                    Seen::Known(index) => graph.infos[index].internal += 1,
                    Seen::New(index) => {
                        graph.infos[index].internal += 1;
                        // SAFETY: as above.
                        unsafe { for_each_child(child, |grandchild| queue.push(grandchild)) };
                    }
                }
            });
        }
        // Everything reachable from an externally held object is live.
        // Survivors age as they are marked, while their header is in the
        // cache: twice surviving (or surviving a full collection) makes an
        // object old.
        let mut promoted = 0;
        let mut age = |node: Node| {
            // SAFETY: live objects are still alive.
            let header = unsafe { node.header() };
            let value = header.get();
            if full || value & SURVIVED != 0 {
                if value & OLD == 0 {
                    promoted += 1;
                }
                header.set(value | OLD);
            } else {
                header.set(value | SURVIVED);
            }
        };
        let held_from_outside = |info: &Info| info.strong > info.internal & COUNT_MASK;
        for index in 0..graph.infos.len() {
            if let Some(ahead) = graph.infos.get(index + LOOKAHEAD) {
                if held_from_outside(ahead) {
                    prefetch(ahead.node);
                }
            }
            let info = &mut graph.infos[index];
            if held_from_outside(info) {
                info.internal |= LIVE;
                age(info.node);
                // SAFETY: as above.
                unsafe { for_each_child(info.node, |child| queue.push(child)) };
            }
        }
        drain(&mut queue, |child, queue| {
            if let Some(index) = graph.index(child) {
                let info = &mut graph.infos[index];
                if info.internal & LIVE == 0 {
                    info.internal |= LIVE;
                    age(child);
                    // SAFETY: as above.
                    unsafe { for_each_child(child, |grandchild| queue.push(grandchild)) };
                }
            }
        });
        let visited = graph.infos.len();
        let mut garbage = std::mem::take(&mut buffers.garbage);
        garbage.clear();
        garbage.reserve(used.garbage);
        garbage.extend(
            graph
                .infos
                .iter()
                .filter(|info| info.internal & LIVE == 0 && matches!(info.node.kind(), ENV | THUNK))
                .map(|info| info.node),
        );
        // SAFETY: garbage is alive (held by its cycles) and unreachable from
        // any code.
        let garbage_envs = unsafe { empty_all(&garbage) };
        let garbage_nodes = garbage.len();
        garbage.clear();
        graph.infos.clear();
        // Capacities, not lengths: the queue is empty again, and a buffer
        // never grows past what it needed by more than twice.
        buffers.used[full as usize] =
            BufferLengths { infos: graph.infos.capacity(), queue: queue.capacity(), garbage: garbage.capacity() };
        buffers.infos = graph.infos;
        buffers.queue = queue;
        buffers.garbage = garbage;
        buffers.release_large();
        let mut tracker = self.gc.borrow_mut();
        tracker.buffers = buffers;
        tracker.envs.clear();
        for root in &roots {
            // SAFETY: the roots are alive (we hold them).
            let old = unsafe { env_node(root).header() }.get() & OLD != 0;
            if old {
                tracker.old_envs.push(EnvRc::downgrade(root));
            } else {
                tracker.envs.push(EnvRc::downgrade(root));
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
        self.gc_next_calls.set(self.stats.function_calls.get() + CALLS_BETWEEN_COLLECTIONS);
        // After the first collection, one that found garbage (at least a
        // thirty-second of what it looked at, and not just a handful) makes
        // the next one come after the shortest interval; any other doubles
        // the interval. On the fleet benchmark collections free garbage of
        // machines evaluated earlier (5% to 60% of what they look at; with
        // an eighth as the bar the peak was 107 MiB instead of 83); programs
        // that build one large live structure and little cyclic garbage
        // (`bench/programs/lib-overlays`) would otherwise pay for
        // collections at the shortest interval (8 MiB when this was
        // measured) with 24-39% more instructions and no smaller peak.
        let productive = garbage_nodes >= PRODUCTIVE_GARBAGE && garbage_nodes * 32 >= visited;
        tracker.bytes_interval = if productive {
            BYTES_BETWEEN_COLLECTIONS
        } else {
            (tracker.bytes_interval() * 2).min(MAX_BYTES_BETWEEN_COLLECTIONS)
        };
        tracker.next_bytes = crate::heap::allocated() + tracker.bytes_interval;
        // A large minor collection that found almost nothing means the
        // garbage is old (a machine of a fleet evaluated with nixpkgs' lib
        // lives through several collections): the next one is full, instead
        // of more minor ones looking at young live objects again. On the
        // 5-machine fleet with nixpkgs' lib this looks at 22% fewer objects
        // (4.7M instead of 6.05M), with 7% fewer instructions in all.
        let wasted = !full && visited >= WASTED_MINOR_VISITS && garbage_nodes * 32 < visited;
        tracker.minor_in_a_row = if full {
            0
        } else if wasted {
            MINOR_COLLECTIONS_IN_A_ROW
        } else {
            tracker.minor_in_a_row + 1
        };
        tracker.prune_at = tracker.envs.len() * 2 + MIN_THRESHOLD / 4;
        if show_stats {
            eprintln!(
                "gc{}: {garbage_envs} scopes and {garbage_nodes} scopes and thunks garbage, {} young and {} old scopes held, {visited} objects visited, \
                 {:.1} ms CPU, {} MiB allocated so far",
                if full { " (full)" } else { "" },
                tracker.envs.len(),
                tracker.old_envs.len(),
                thread_cpu_ns().saturating_sub(started) as f64 / 1e6,
                crate::heap::allocated() >> 20
            );
        }
        garbage_envs
    }
}

impl Evaluator {
    /// Breaks every reference cycle among this evaluator's values, so that
    /// dropping the evaluator and `roots` frees them instead of leaking what
    /// is still cyclic. For embedders that evaluate one thing per evaluator
    /// and keep only plain data (`strata hosts` evaluates machine after
    /// machine on each worker): a value of this evaluator used afterwards
    /// finds its variables and unforced thunks gone.
    ///
    /// Every scope and thunk reachable from the tracked scopes, from the
    /// imported files' values and from `roots` is emptied. Emptying only the
    /// tracked (`let`/`rec`) scopes is not enough: the module system's fixed
    /// point also closes cycles through function scopes and forced thunks
    /// (a module function's `config` argument is the merged configuration,
    /// whose values are thunks of that function's body), which leaked
    /// megabytes per machine. The walk visits each object once.
    pub fn discard_scopes(&self, roots: Vec<Value>) {
        let scopes: Vec<EnvRc> = {
            let mut tracker = self.gc.borrow_mut();
            let mut scopes = std::mem::take(&mut tracker.envs);
            scopes.append(&mut tracker.old_envs);
            scopes.iter().filter_map(EnvWeak::upgrade).collect()
        };
        let imported: Vec<Value> = self.import_cache.borrow_mut().drain().map(|(_, value)| value).collect();
        let epoch = self.next_epoch();
        let mut graph = Graph { epoch, full: true, infos: Vec::new() };
        let mut queue: Vec<Node> = scopes.iter().map(env_node).collect();
        queue.extend(roots.iter().chain(imported.iter()).filter_map(value_node));
        let mut found: Vec<Node> = Vec::new();
        drain(&mut queue, |node, queue| {
            if let Seen::New(_) = graph.visit(node, 0) {
                // SAFETY: everything reachable is alive (held by `scopes`,
                // `roots` and `imported`), and nothing is dropped while the
                // walk looks.
                unsafe { for_each_child(node, |child| queue.push(child)) };
                if matches!(node.kind(), ENV | THUNK) {
                    found.push(node);
                }
            }
        });
        drop(graph);
        // SAFETY: the objects are alive (see above) and belong to this
        // evaluator, whose values are not used after this call.
        unsafe { empty_all(&found) };
        drop((scopes, imported, roots));
    }
}

impl Evaluator {
    /// Numbers a new walk of the heap (see `GcHeader`).
    fn next_epoch(&self) -> u64 {
        let mut tracker = self.gc.borrow_mut();
        tracker.epoch += 1;
        tracker.epoch
    }
}

/// Breaks the cycles through `nodes` (scopes and thunks): empties the slots
/// of the scopes and the states of the thunks; returns how many scopes there
/// were. Each is held by an extra reference until it has been emptied, so
/// what emptying one frees is never one still to be emptied (an emptied
/// object holds nothing but its parent scope).
///
/// SAFETY: every node must point to a live scope or thunk that no running
/// code reads: garbage, or the values of an evaluator being discarded.
unsafe fn empty_all(nodes: &[Node]) -> usize {
    for &node in nodes {
        match node.kind() {
            ENV => EnvRc::increment_strong_count(node.pointer::<Env>()),
            _ => Rc::<Thunk>::increment_strong_count(node.pointer::<u8>()),
        }
    }
    let mut envs = 0;
    for &node in nodes {
        // The extra reference keeps this one alive until it is released here.
        if node.kind() == ENV {
            let env = node.pointer::<Env>();
            drop(EnvRc::borrowed(env).take_slots());
            envs += 1;
            EnvRc::decrement_strong_count(env);
        } else {
            let thunk = node.pointer::<Thunk>();
            (*thunk).set(ThunkState::Blackhole);
            Rc::<Thunk>::decrement_strong_count(thunk.cast());
        }
    }
    envs
}

/// CPU time this thread has used, in nanoseconds (0 where the kernel does
/// not report it), for `STRATA_GC_STATS`.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}
