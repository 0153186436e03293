/**
 * A small evaluator for Xero's `where` filter (a .NET-LINQ-like syntax), enough for what an app
 * sends: `Status=="AUTHORISED" AND Type=="ACCREC"`, `Contact.ContactID==Guid("…")`,
 * `Date>=DateTime(2024,1,1)`, `AmountDue>0`, `Name.Contains("Ltd")`, `!IsSupplier`, parentheses,
 * AND / OR / && / ||. Anything else is a 400 ValidationException, as Xero answers.
 */

export type Scalar = string | number | boolean | null;
export type Accessor<T> = (rec: T, field: string) => Scalar | undefined;
export type Predicate<T> = (rec: T) => boolean;

type Tok = { t: "id" | "str" | "num" | "op" | "(" | ")" | "," | "not" | "and" | "or"; v: string };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i] ?? "";
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let v = "";
      while (j < s.length && s[j] !== c) { v += s[j]; j++; }
      if (j >= s.length) throw new Error("unterminated string");
      out.push({ t: "str", v });
      i = j + 1;
      continue;
    }
    const two = s.slice(i, i + 2);
    if (["==", "!=", ">=", "<=", "&&", "||"].includes(two)) {
      out.push(two === "&&" ? { t: "and", v: two } : two === "||" ? { t: "or", v: two } : { t: "op", v: two });
      i += 2;
      continue;
    }
    if (c === ">" || c === "<") { out.push({ t: "op", v: c }); i++; continue; }
    if (c === "=") { out.push({ t: "op", v: "==" }); i++; continue; }
    if (c === "!") { out.push({ t: "not", v: c }); i++; continue; }
    if (c === "(" || c === ")" || c === ",") { out.push({ t: c, v: c }); i++; continue; }
    const num = /^-?\d+(\.\d+)?/.exec(s.slice(i));
    if (num) { out.push({ t: "num", v: num[0] }); i += num[0].length; continue; }
    const id = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(s.slice(i));
    if (id) {
      const w = id[0];
      const up = w.toUpperCase();
      out.push(up === "AND" ? { t: "and", v: w } : up === "OR" ? { t: "or", v: w } : up === "NOT" ? { t: "not", v: w } : { t: "id", v: w });
      i += w.length;
      continue;
    }
    throw new Error(`unexpected '${c}'`);
  }
  return out;
}

export function compileWhere<T>(src: string, get: Accessor<T>): Predicate<T> {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const next = () => {
    const t = toks[p++];
    if (!t) throw new Error("unexpected end of expression");
    return t;
  };
  const expect = (t: Tok["t"]) => {
    const x = next();
    if (x.t !== t) throw new Error(`expected ${t}`);
    return x;
  };

  function value(): Scalar {
    const t = next();
    if (t.t === "str") return t.v;
    if (t.t === "num") return Number(t.v);
    if (t.t === "id") {
      const w = t.v.toLowerCase();
      if (w === "true") return true;
      if (w === "false") return false;
      if (w === "null") return null;
      if (w === "guid") {
        expect("(");
        const g = expect("str").v.toLowerCase();
        expect(")");
        return g;
      }
      if (w === "datetime" || w === "datetime.parse") {
        expect("(");
        if (peek()?.t === "str") {
          const ms = Date.parse(next().v);
          expect(")");
          if (Number.isNaN(ms)) throw new Error("bad date");
          return ms;
        }
        const parts: number[] = [Number(expect("num").v)];
        while (peek()?.t === ",") {
          next();
          parts.push(Number(expect("num").v));
        }
        expect(")");
        const [y, mo, d, h = 0, mi = 0, se = 0] = parts;
        if (y === undefined || mo === undefined || d === undefined) throw new Error("DateTime needs year, month, day");
        return Date.UTC(y, mo - 1, d, h, mi, se);
      }
    }
    throw new Error(`unexpected '${t.v}'`);
  }

  function field(name: string, rec: T): Scalar {
    const v = get(rec, name);
    if (v === undefined) throw new Error(`unknown field ${name}`);
    return v;
  }

  function term(): Predicate<T> {
    const t = peek();
    if (!t) throw new Error("unexpected end of expression");
    if (t.t === "not") {
      next();
      const inner = term();
      return (r) => !inner(r);
    }
    if (t.t === "(") {
      next();
      const inner = or();
      expect(")");
      return inner;
    }
    const id = expect("id").v;
    const method = /^(.*)\.(Contains|StartsWith|EndsWith|ToLower|ToUpper)$/i.exec(id);
    if (method && peek()?.t === "(") {
      const f = method[1] ?? "";
      const m = (method[2] ?? "").toLowerCase();
      expect("(");
      const arg = peek()?.t === "str" ? next().v : "";
      expect(")");
      probe(f);
      return (r) => {
        const v = String(field(f, r) ?? "");
        return m === "contains" ? v.includes(arg) : m === "startswith" ? v.startsWith(arg) : m === "endswith" ? v.endsWith(arg) : false;
      };
    }
    probe(id);
    const op = peek();
    if (!op || op.t !== "op") return (r) => field(id, r) === true; // bare boolean field
    next();
    const rhs = value();
    const cmp = (a: Scalar, b: Scalar): number => (typeof a === "string" && typeof b === "string" ? a.toLowerCase().localeCompare(b.toLowerCase()) : Number(a) - Number(b));
    switch (op.v) {
      case "==": return (r) => { const a = field(id, r); return typeof a === "string" && typeof rhs === "string" ? a.toLowerCase() === rhs.toLowerCase() : a === rhs; };
      case "!=": return (r) => { const a = field(id, r); return typeof a === "string" && typeof rhs === "string" ? a.toLowerCase() !== rhs.toLowerCase() : a !== rhs; };
      case ">": return (r) => cmp(field(id, r), rhs) > 0;
      case ">=": return (r) => cmp(field(id, r), rhs) >= 0;
      case "<": return (r) => cmp(field(id, r), rhs) < 0;
      case "<=": return (r) => cmp(field(id, r), rhs) <= 0;
    }
    throw new Error(`bad operator ${op.v}`);
  }

  // Reject unknown fields at compile time (Xero answers 400 before looking at any record).
  function probe(name: string) {
    if (get(null as unknown as T, name) === undefined) throw new Error(`unknown field ${name}`);
  }

  function and(): Predicate<T> {
    let left = term();
    while (peek()?.t === "and") {
      next();
      const l = left;
      const r = term();
      left = (x) => l(x) && r(x);
    }
    return left;
  }

  function or(): Predicate<T> {
    let left = and();
    while (peek()?.t === "or") {
      next();
      const l = left;
      const r = and();
      left = (x) => l(x) || r(x);
    }
    return left;
  }

  const pred = or();
  if (p !== toks.length) throw new Error(`unexpected '${toks[p]?.v}'`);
  return pred;
}
