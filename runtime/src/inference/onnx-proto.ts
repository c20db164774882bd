// A minimal reader of the ONNX protobuf (onnx/onnx.proto): only the parts the registry checks
// before loading a model (graph inputs and outputs with their types, metadata_props) and the
// node attributes the pure-TypeScript linear path needs. Unknown fields are skipped, so newer
// ONNX files read fine. Throws a plain Error on malformed bytes; the caller wraps it.

export interface OnnxValueInfo {
  name: string;
  /** TensorProto.DataType: 1 float, 11 double, 7 int64; 0 when not a tensor. */
  elemType: number;
  /** One entry per dimension: its size, or null when symbolic or unknown. Undefined: no shape. */
  dims: (number | null)[] | undefined;
}

export interface OnnxAttribute {
  name: string;
  f?: number;
  i?: number;
  s?: string;
  floats: number[];
  ints: number[];
}

export interface OnnxNode {
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttribute>;
}

export interface OnnxModelInfo {
  metadata: Map<string, string>;
  /** Graph inputs that are not initializers (the feeds a run needs). */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  nodes: OnnxNode[];
  initializers: Set<string>;
  opsets: Map<string, number>;
}

export const ELEM_FLOAT = 1;
export const ELEM_DOUBLE = 11;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Wire-format cursor over one message. */
class Reader {
  readonly #buf: Uint8Array;
  readonly #view: DataView;
  pos: number;
  readonly end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.#buf = buf;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
    this.end = end;
  }

  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.#buf[this.pos++] as number;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new Error('varint longer than 10 bytes');
  }

  /** A length-delimited field: a sub-reader over its bytes. */
  sub(): Reader {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) throw new Error('length-delimited field runs past its message');
    this.pos += len;
    return new Reader(this.#buf, start, start + len);
  }

  string(): string {
    const r = this.sub();
    return utf8.decode(this.#buf.subarray(r.pos, r.end));
  }

  float32(): number {
    if (this.pos + 4 > this.end) throw new Error('truncated fixed32');
    const v = this.#view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.sub();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
    if (this.pos > this.end) throw new Error('field runs past its message');
  }

  /** Calls `field(number, wireType)` for each field; it must consume the value or return false. */
  fields(field: (num: number, wire: number) => boolean): void {
    while (this.pos < this.end) {
      const tag = this.varint();
      const num = Math.floor(tag / 8);
      const wire = tag & 7;
      if (!field(num, wire)) this.skip(wire);
    }
  }
}

/** Signed int64 varint as a JS number (attributes hold small values: axes, flags, labels). */
const signed = (v: number) => (v >= 2 ** 63 ? v - 2 ** 64 : v);

function readAttribute(r: Reader): OnnxAttribute {
  const a: OnnxAttribute = { name: '', floats: [], ints: [] };
  r.fields((num, wire) => {
    if (num === 1 && wire === 2) a.name = r.string();
    else if (num === 2 && wire === 5) a.f = r.float32();
    else if (num === 3 && wire === 0) a.i = signed(r.varint());
    else if (num === 4 && wire === 2) a.s = r.string();
    else if (num === 7 && wire === 5) a.floats.push(r.float32());
    else if (num === 7 && wire === 2) {
      const p = r.sub();
      while (p.pos < p.end) a.floats.push(p.float32());
    } else if (num === 8 && wire === 0) a.ints.push(signed(r.varint()));
    else if (num === 8 && wire === 2) {
      const p = r.sub();
      while (p.pos < p.end) a.ints.push(signed(p.varint()));
    } else return false;
    return true;
  });
  return a;
}

function readNode(r: Reader): OnnxNode {
  const n: OnnxNode = { opType: '', domain: '', inputs: [], outputs: [], attributes: new Map() };
  r.fields((num, wire) => {
    if (wire !== 2) return false;
    if (num === 1) n.inputs.push(r.string());
    else if (num === 2) n.outputs.push(r.string());
    else if (num === 4) n.opType = r.string();
    else if (num === 7) n.domain = r.string();
    else if (num === 5) {
      const a = readAttribute(r.sub());
      n.attributes.set(a.name, a);
    } else return false;
    return true;
  });
  return n;
}

function readTensorType(r: Reader, v: OnnxValueInfo): void {
  r.fields((num, wire) => {
    if (num === 1 && wire === 0) v.elemType = r.varint();
    else if (num === 2 && wire === 2) v.dims = readShape(r.sub());
    else return false;
    return true;
  });
}

function readShape(r: Reader): (number | null)[] {
  const dims: (number | null)[] = [];
  r.fields((num, wire) => {
    if (num !== 1 || wire !== 2) return false;
    const d = r.sub();
    let size: number | null = null;
    d.fields((dn, dw) => {
      if (dn === 1 && dw === 0) {
        size = d.varint();
        return true;
      }
      return false;
    });
    dims.push(size);
    return true;
  });
  return dims;
}

function readValueInfo(r: Reader): OnnxValueInfo {
  const v: OnnxValueInfo = { name: '', elemType: 0, dims: undefined };
  r.fields((num, wire) => {
    if (wire !== 2) return false;
    if (num === 1) v.name = r.string();
    else if (num === 2) {
      // TypeProto: tensor_type = 1
      const t = r.sub();
      t.fields((tn, tw) => {
        if (tn === 1 && tw === 2) {
          readTensorType(t.sub(), v);
          return true;
        }
        return false;
      });
    } else return false;
    return true;
  });
  return v;
}

/** The name of a TensorProto (initializer), field 8. */
function readTensorName(r: Reader): string {
  let name = '';
  r.fields((num, wire) => {
    if (num === 8 && wire === 2) {
      name = r.string();
      return true;
    }
    return false;
  });
  return name;
}

function readStringEntry(r: Reader): [string, string] {
  let key = '';
  let value = '';
  r.fields((num, wire) => {
    if (wire !== 2) return false;
    if (num === 1) key = r.string();
    else if (num === 2) value = r.string();
    else return false;
    return true;
  });
  return [key, value];
}

/** Reads what the registry needs from serialized ONNX ModelProto bytes. */
export function readOnnxModel(bytes: Uint8Array): OnnxModelInfo {
  const info: OnnxModelInfo = {
    metadata: new Map(),
    inputs: [],
    outputs: [],
    nodes: [],
    initializers: new Set(),
    opsets: new Map(),
  };
  let graphSeen = false;
  const allInputs: OnnxValueInfo[] = [];
  const model = new Reader(bytes);
  model.fields((num, wire) => {
    if (wire !== 2) return false;
    if (num === 7) {
      graphSeen = true;
      const g = model.sub();
      g.fields((gn, gw) => {
        if (gw !== 2) return false;
        if (gn === 1) info.nodes.push(readNode(g.sub()));
        else if (gn === 5) info.initializers.add(readTensorName(g.sub()));
        else if (gn === 11) allInputs.push(readValueInfo(g.sub()));
        else if (gn === 12) info.outputs.push(readValueInfo(g.sub()));
        else return false;
        return true;
      });
    } else if (num === 14) {
      const [k, v] = readStringEntry(model.sub());
      info.metadata.set(k, v);
    } else if (num === 8) {
      const o = model.sub();
      let domain = '';
      let version = 0;
      o.fields((on, ow) => {
        if (on === 1 && ow === 2) domain = o.string();
        else if (on === 2 && ow === 0) version = o.varint();
        else return false;
        return true;
      });
      info.opsets.set(domain, version);
    } else return false;
    return true;
  });
  if (!graphSeen) throw new Error('no graph in the ModelProto');
  info.inputs = allInputs.filter((i) => !info.initializers.has(i.name));
  return info;
}
