//! Regular expressions over event-type names: see [`Grammar`] for the syntax and the engine.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

/// Why a grammar did not compile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrammarError {
    /// Byte index in the pattern.
    pub position: usize,
    /// What is wrong.
    pub message: &'static str,
}

impl fmt::Display for GrammarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid grammar at byte {}: {}",
            self.position, self.message
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Symbol {
    /// Index into the grammar's sorted name table.
    Name(usize),
    Any,
}

#[derive(Clone, Copy, Debug)]
enum Inst {
    Accept,
    Match(Symbol, usize),
    Split(usize, usize),
}

#[derive(Debug)]
enum Node {
    Symbol(Symbol),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Star(Box<Node>),
    Plus(Box<Node>),
    Optional(Box<Node>),
}

/// A compiled regular expression over event-type names, matched by a Thompson NFA.
///
/// The `grammar` rule checks that the sequence of event types of a stream has the expected
/// shape, e.g. `stage+ token* (done | error)`. The alphabet is whole type names, not
/// characters, so this is a tiny purpose-built engine instead of a regex crate: the pattern
/// compiles to an NFA (Thompson's construction) which is simulated one event at a time with
/// a set of live states. Each step costs O(states), never backtracks, and the matcher keeps
/// no history, so it works for endless streams.
///
/// # Syntax
///
/// ```text
/// alternation := sequence ( '|' sequence )*
/// sequence    := repeat*                       (juxtaposition; may be empty)
/// repeat      := atom ( '+' | '*' | '?' )*
/// atom        := NAME | '.' | '(' alternation ')'
/// NAME        := one or more characters other than whitespace and ( ) | + * ?
/// ```
///
/// A lone `.` matches any one event type; `.` inside a name is literal
/// (`response.completed`). Whitespace separates names and is otherwise ignored. A run of
/// repetition operators acts as one: `x++` is `x+`, `x??` is `x?`, and any other run (`x+?`,
/// `x?+`, `x**`...) is `x*`, which is what applying them one by one matches.
///
/// ```
/// use ssert_core::validate::Grammar;
///
/// let grammar = Grammar::parse("stage+ token* (done | error)").unwrap();
/// assert!(grammar.matches(["stage", "stage", "token", "done"]));
/// assert!(!grammar.matches(["token", "done"]));
/// ```
#[derive(Clone, Debug)]
pub struct Grammar {
    source: String,
    names: Vec<String>,
    insts: Vec<Inst>,
    start: usize,
}

/// Which tokens were acceptable where the sequence went wrong (for messages).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expected {
    /// Names that would have been accepted, sorted.
    pub names: Vec<String>,
    /// Whether any name would have been accepted (a `.` was live).
    pub any: bool,
    /// Whether the sequence could also have ended there.
    pub end: bool,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut item = |f: &mut fmt::Formatter<'_>, text: &str| {
            let sep = if first { "" } else { ", " };
            first = false;
            write!(f, "{sep}{text}")
        };
        if self.any {
            item(f, "any type")?;
        }
        for name in &self.names {
            item(f, &alloc::format!("`{name}`"))?;
        }
        if self.end {
            item(f, "end of stream")?;
        }
        if first {
            f.write_str("nothing")?;
        }
        Ok(())
    }
}

impl Grammar {
    /// Compiles a grammar.
    pub fn parse(source: &str) -> Result<Grammar, GrammarError> {
        let mut names = Vec::new();
        let mut parser = PatternParser {
            bytes: source.as_bytes(),
            source,
            pos: 0,
            names: &mut names,
        };
        let node = parser.alternation(0)?;
        parser.skip_ws();
        if parser.pos != source.len() {
            return Err(GrammarError {
                position: parser.pos,
                message: "unbalanced ')'",
            });
        }
        // Names were interned in first-seen order; sort them for binary search and remap.
        let mut order: Vec<usize> = (0..names.len()).collect();
        order.sort_by(|&a, &b| names[a].cmp(&names[b]));
        let mut remap = vec![0; names.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old] = new;
        }
        let sorted: Vec<String> = order.iter().map(|&i| names[i].clone()).collect();
        let mut insts = vec![Inst::Accept];
        let start = compile(&node, 0, &mut insts, &remap);
        Ok(Grammar {
            source: source.into(),
            names: sorted,
            insts,
            start,
        })
    }

    /// The pattern text this grammar was compiled from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// A fresh matcher positioned before the first event.
    pub fn matcher(&self) -> GrammarMatcher {
        let mut m = GrammarMatcher {
            live: Vec::new(),
            scratch: Vec::new(),
            stack: Vec::new(),
            seen: vec![0; self.insts.len()],
            generation: 0,
        };
        m.reset(self);
        m
    }

    /// Whether a whole sequence of type names matches.
    pub fn matches<'t, I: IntoIterator<Item = &'t str>>(&self, tokens: I) -> bool {
        let mut m = self.matcher();
        for token in tokens {
            if !m.step(self, token) {
                return false;
            }
        }
        m.is_accepting(self)
    }

    fn symbol_of(&self, token: &str) -> Option<usize> {
        self.names.binary_search_by(|n| n.as_str().cmp(token)).ok()
    }
}

fn compile(node: &Node, next: usize, insts: &mut Vec<Inst>, remap: &[usize]) -> usize {
    let push = |insts: &mut Vec<Inst>, inst| {
        insts.push(inst);
        insts.len() - 1
    };
    match node {
        Node::Symbol(Symbol::Name(i)) => push(insts, Inst::Match(Symbol::Name(remap[*i]), next)),
        Node::Symbol(Symbol::Any) => push(insts, Inst::Match(Symbol::Any, next)),
        Node::Concat(items) => items
            .iter()
            .rev()
            .fold(next, |cur, item| compile(item, cur, insts, remap)),
        Node::Alt(branches) => {
            let entries: Vec<usize> = branches
                .iter()
                .map(|b| compile(b, next, insts, remap))
                .collect();
            let mut entry = *entries.last().unwrap_or(&next);
            for &e in entries.iter().rev().skip(1) {
                entry = push(insts, Inst::Split(e, entry));
            }
            entry
        }
        Node::Optional(inner) => {
            let e = compile(inner, next, insts, remap);
            push(insts, Inst::Split(e, next))
        }
        Node::Star(inner) => {
            let split = push(insts, Inst::Split(usize::MAX, next));
            let e = compile(inner, split, insts, remap);
            insts[split] = Inst::Split(e, next);
            split
        }
        Node::Plus(inner) => {
            let split = push(insts, Inst::Split(usize::MAX, next));
            let e = compile(inner, split, insts, remap);
            insts[split] = Inst::Split(e, next);
            e
        }
    }
}

struct PatternParser<'a, 'n> {
    source: &'a str,
    bytes: &'a [u8],
    pos: usize,
    names: &'n mut Vec<String>,
}

/// Nesting of parentheses deeper than this is rejected. With a run of repetition operators
/// folded into one, a node is at most two levels deeper than its parentheses, so parsing,
/// compiling and dropping the tree recurse a bounded number of times.
const MAX_NESTING: usize = 64;

impl PatternParser<'_, '_> {
    fn skip_ws(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(u8::is_ascii_whitespace)
        {
            self.pos += 1;
        }
    }

    fn alternation(&mut self, depth: usize) -> Result<Node, GrammarError> {
        let mut branches = vec![self.sequence(depth)?];
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) == Some(&b'|') {
                self.pos += 1;
                branches.push(self.sequence(depth)?);
            } else {
                break;
            }
        }
        Ok(if branches.len() == 1 {
            branches.pop().unwrap_or(Node::Concat(Vec::new()))
        } else {
            Node::Alt(branches)
        })
    }

    fn sequence(&mut self, depth: usize) -> Result<Node, GrammarError> {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.bytes.get(self.pos) {
                None | Some(b'|' | b')') => break,
                Some(b'+' | b'*' | b'?') => {
                    return Err(GrammarError {
                        position: self.pos,
                        message: "repetition with nothing to repeat",
                    })
                }
                Some(_) => {}
            }
            let atom = self.atom(depth)?;
            // A run of operators is one operator: `x++` = `x+`, `x??` = `x?`, and any mix,
            // or `*` anywhere, is `x*` (`(x+)?`, `(x?)+`, `(x*)+`... all match any number of
            // `x`). Wrapping once per operator would nest as deep as the run is long, and
            // compiling and dropping recurse through that nesting.
            let mut run: Option<u8> = None;
            loop {
                self.skip_ws();
                let Some(&op @ (b'+' | b'*' | b'?')) = self.bytes.get(self.pos) else {
                    break;
                };
                self.pos += 1;
                run = Some(match run {
                    None => op,
                    Some(same) if same == op => op,
                    Some(_) => b'*',
                });
            }
            items.push(match run {
                None => atom,
                Some(b'+') => Node::Plus(Box::new(atom)),
                Some(b'*') => Node::Star(Box::new(atom)),
                Some(_) => Node::Optional(Box::new(atom)),
            });
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Node::Concat(Vec::new()))
        } else {
            Node::Concat(items)
        })
    }

    fn atom(&mut self, depth: usize) -> Result<Node, GrammarError> {
        if self.bytes[self.pos] == b'(' {
            if depth >= MAX_NESTING {
                return Err(GrammarError {
                    position: self.pos,
                    message: "parentheses nested too deep",
                });
            }
            let open = self.pos;
            self.pos += 1;
            let inner = self.alternation(depth + 1)?;
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b')') {
                return Err(GrammarError {
                    position: open,
                    message: "unclosed '('",
                });
            }
            self.pos += 1;
            return Ok(inner);
        }
        let start = self.pos;
        while let Some(&b) = self.bytes.get(self.pos) {
            if b.is_ascii_whitespace() || matches!(b, b'(' | b')' | b'|' | b'+' | b'*' | b'?') {
                break;
            }
            self.pos += 1;
        }
        let name = &self.source[start..self.pos];
        if name == "." {
            return Ok(Node::Symbol(Symbol::Any));
        }
        let index = match self.names.iter().position(|n| n == name) {
            Some(i) => i,
            None => {
                self.names.push(name.into());
                self.names.len() - 1
            }
        };
        Ok(Node::Symbol(Symbol::Name(index)))
    }
}

/// The incremental state of matching one sequence against a [`Grammar`]: the set of live NFA
/// states. Memory is bounded by the grammar's size, however long the sequence.
#[derive(Clone, Debug)]
pub struct GrammarMatcher {
    live: Vec<usize>,
    scratch: Vec<usize>,
    /// Work list of the epsilon closure, kept to avoid an allocation per step.
    stack: Vec<usize>,
    seen: Vec<u32>,
    generation: u32,
}

impl GrammarMatcher {
    /// Back to the state before the first event.
    pub fn reset(&mut self, grammar: &Grammar) {
        self.live.clear();
        self.bump();
        let mut live = core::mem::take(&mut self.live);
        self.add(grammar, grammar.start, &mut live);
        self.live = live;
    }

    fn bump(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
    }

    /// Adds `state` and its epsilon closure to `set`, skipping states already in it.
    fn add(&mut self, grammar: &Grammar, state: usize, set: &mut Vec<usize>) {
        let mut stack = core::mem::take(&mut self.stack);
        stack.clear();
        stack.push(state);
        while let Some(s) = stack.pop() {
            if self.seen[s] == self.generation {
                continue;
            }
            self.seen[s] = self.generation;
            match grammar.insts[s] {
                Inst::Split(a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
                Inst::Accept | Inst::Match(..) => set.push(s),
            }
        }
        self.stack = stack;
    }

    /// Consumes one event type. Returns `false`, and stays where it was, if no match can
    /// continue with it: [`expected`](Self::expected) then tells what would have fit.
    pub fn step(&mut self, grammar: &Grammar, token: &str) -> bool {
        let symbol = grammar.symbol_of(token);
        let mut next = core::mem::take(&mut self.scratch);
        next.clear();
        self.bump();
        let live = core::mem::take(&mut self.live);
        for &s in &live {
            if let Inst::Match(sym, to) = grammar.insts[s] {
                let hit = match sym {
                    Symbol::Any => true,
                    Symbol::Name(i) => symbol == Some(i),
                };
                if hit {
                    self.add(grammar, to, &mut next);
                }
            }
        }
        if next.is_empty() {
            self.live = live;
            self.scratch = next;
            return false;
        }
        self.scratch = live;
        self.live = next;
        true
    }

    /// Whether the sequence so far is a complete match.
    pub fn is_accepting(&self, grammar: &Grammar) -> bool {
        self.live
            .iter()
            .any(|&s| matches!(grammar.insts[s], Inst::Accept))
    }

    /// What could come next from the current state.
    pub fn expected(&self, grammar: &Grammar) -> Expected {
        let mut out = Expected::default();
        for &s in &self.live {
            match grammar.insts[s] {
                Inst::Accept => out.end = true,
                Inst::Match(Symbol::Any, _) => out.any = true,
                Inst::Match(Symbol::Name(i), _) => out.names.push(grammar.names[i].clone()),
                Inst::Split(..) => {}
            }
        }
        out.names.sort();
        out.names.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, seq: &str) -> bool {
        Grammar::parse(pattern)
            .unwrap()
            .matches(seq.split_whitespace())
    }

    #[test]
    fn stage_token_done() {
        let p = "stage+ token* (done|error)";
        assert!(m(p, "stage done"));
        assert!(m(p, "stage stage token token token error"));
        assert!(!m(p, "stage token"));
        assert!(!m(p, "token done"));
        assert!(!m(p, "stage done done"));
        assert!(!m(p, ""));
    }

    #[test]
    fn operators() {
        assert!(m("a?", ""));
        assert!(m("a?", "a"));
        assert!(!m("a?", "a a"));
        assert!(m("(a b)* c", "a b a b c"));
        assert!(!m("(a b)* c", "a c"));
        assert!(m("(a | b c)+", "b c a b c"));
        assert!(m("", ""));
        assert!(!m("", "a"));
        assert!(m("(a?)* b", "b"), "epsilon loops terminate");
        assert!(m("(a*)+", "a a a"));
        assert!(m("(a|)", ""));
        assert!(m("a+?", ""));
    }

    #[test]
    fn wildcard_and_dotted_names() {
        let p = "response.created . * (response.completed | error)";
        assert!(m(
            p,
            "response.created response.output_text.delta response.completed"
        ));
        assert!(m(p, "response.created error"));
        assert!(!m(p, "response.in_progress response.completed"));
        assert!(m("[DONE]", "[DONE]"));
    }

    #[test]
    fn expected_lists_continuations() {
        let g = Grammar::parse("stage+ token* (done|error)").unwrap();
        let mut mt = g.matcher();
        assert!(mt.step(&g, "stage"));
        let e = mt.expected(&g);
        assert_eq!(e.names, ["done", "error", "stage", "token"]);
        assert!(!e.end && !e.any);
        assert!(!mt.step(&g, "bogus"));
        assert_eq!(
            mt.expected(&g),
            e,
            "a rejected token leaves the matcher where it was"
        );
        assert!(mt.step(&g, "done"));
        assert!(mt.is_accepting(&g));
        assert_eq!(alloc::format!("{e}"), "`done`, `error`, `stage`, `token`");
    }

    #[test]
    fn runs_of_repetition_operators_are_one_operator() {
        // Each identity folding uses, checked on the operators applied one at a time (the
        // parentheses keep them from being folded) over every sequence of up to 4 tokens.
        let same = [
            ("(a+)+", "a+"),
            ("(a?)?", "a?"),
            ("(a*)*", "a*"),
            ("(a+)*", "a*"),
            ("(a+)?", "a*"),
            ("(a*)+", "a*"),
            ("(a*)?", "a*"),
            ("(a?)+", "a*"),
            ("(a?)*", "a*"),
        ];
        let mut sequences = vec![String::new()];
        for len in 1..=4 {
            for n in 0..1u32 << len {
                let seq: Vec<&str> = (0..len)
                    .map(|i| if n >> i & 1 == 1 { "a" } else { "b" })
                    .collect();
                sequences.push(seq.join(" "));
            }
        }
        for (nested, folded) in same {
            for seq in &sequences {
                assert_eq!(
                    m(nested, seq),
                    m(folded, seq),
                    "{nested} vs {folded} on {seq:?}"
                );
                let run = nested.replace(['(', ')'], "");
                assert_eq!(m(&run, seq), m(folded, seq), "{run} vs {folded} on {seq:?}");
            }
        }
        assert!(m("x a * ? + b", "x a a b"));
        assert!(m("x a+ +", "x a a"));
        assert!(!m("x a+ +", "x"));
    }

    #[test]
    fn long_runs_of_operators_do_not_overflow_the_stack() {
        // 200,000 wrappers nested that deep and overflowed the stack in `compile` and `drop`.
        for op in ["*", "+", "?", "*+?"] {
            let pattern = String::from("a") + &op.repeat(200_000) + " b";
            let g = Grammar::parse(&pattern).unwrap();
            assert!(g.matches(["a", "b"]), "{op}");
            assert_eq!(g.matches(["b"]), op != "+", "{op}");
            assert_eq!(g.matches(["a", "a", "b"]), op != "?", "{op}");
        }
        // As deep as parentheses go, each level repeated.
        let deep = "(".repeat(MAX_NESTING) + "a" + &")*+".repeat(MAX_NESTING);
        assert!(Grammar::parse(&deep).unwrap().matches(["a", "a"]));
    }

    #[test]
    fn syntax_errors() {
        for (p, pos) in [("(a", 0), ("a)", 1), ("*a", 0), ("a | +", 4)] {
            assert_eq!(Grammar::parse(p).unwrap_err().position, pos, "{p}");
        }
        let deep = "(".repeat(100) + "a" + &")".repeat(100);
        assert!(Grammar::parse(&deep).is_err());
    }
}
