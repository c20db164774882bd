// Decisions collected during a batch, waiting for their model scores. Columns in reused arrays,
// so a batch allocates nothing per decision beyond what the arrays already hold.
import type { Member } from './compiled-strategy.ts';

export class PendingDecisions {
  length = 0;
  members: Member[] = [];
  rules: number[] = [];
  digests: string[] = [];
  rows: number[] = [];
  streams: string[] = [];
  entryIds: string[] = [];
  tickTs: number[] = [];
  cids: string[] = [];

  reset(): void {
    this.length = 0;
  }

  push(
    member: Member,
    rule: number,
    digest: string,
    row: number,
    stream: string,
    entryId: string,
    tickTs: number,
    cid: string,
  ): void {
    const i = this.length++;
    this.members[i] = member;
    this.rules[i] = rule;
    this.digests[i] = digest;
    this.rows[i] = row;
    this.streams[i] = stream;
    this.entryIds[i] = entryId;
    this.tickTs[i] = tickTs;
    this.cids[i] = cid;
  }
}
