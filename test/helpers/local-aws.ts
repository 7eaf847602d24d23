// A local HTTP server standing in for AWS (--endpoint-url): answers like FakeHttp's account, or resets
// or stalls (accepts and never answers) the requests a test chooses. The service and region of each
// request come from its SigV4 credential scope.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { defaultAnswer, type HttpCall, type HttpService } from './fake-http.js';

/** trickle: the answer's headers at once, then its body one byte every `trickleMs` (never idle long enough for a socket timeout). */
export type Behaviour = 'answer' | 'reset' | 'stall' | 'trickle';

/** A local "AWS": answers like FakeHttp's account, unless `behaviour` says to reset or stall a request. */
export class LocalAws {
  readonly requests: HttpCall[] = [];
  /** What to do with a request; a promise holds the request until it settles (e.g. until others have arrived). */
  behaviour: (call: HttpCall, index: number) => Behaviour | Promise<Behaviour> = () => 'answer';
  /** Stalled requests whose connection the client has not closed yet. */
  private readonly stalled = new Set<ServerResponse>();
  private waitingForNoneStalled: (() => void)[] = [];
  trickleMs = 100;
  private waiting: { operation: string; region?: string; resolve: () => void }[] = [];

  /** Resolves once a request for `operation` (in `region`, if given) has arrived, at once if one already has. */
  arrived(operation: string, region?: string): Promise<void> {
    if (this.count(operation, region) > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ operation, ...(region ? { region } : {}), resolve }));
  }
  private server: Server | undefined;

  /** Resolves once every stalled request has been given up by the client (its connection closed). */
  noneStalled(): Promise<void> {
    if (this.stalled.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waitingForNoneStalled.push(resolve));
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  count(operation: string, region?: string): number {
    return this.requests.filter((r) => r.operation === operation && (region === undefined || r.region === region)).length;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const call = callOf(req, Buffer.concat(chunks).toString('utf8'));
    this.requests.push(call);
    for (const w of this.waiting.filter((w) => w.operation === call.operation && (w.region === undefined || w.region === call.region))) w.resolve();
    const behaviour = await this.behaviour(call, this.requests.length - 1);
    if (behaviour === 'reset') return void req.socket.resetAndDestroy();
    if (behaviour === 'stall') return this.stall(res); // never answer
    const answer = defaultAnswer(call);
    res.writeHead(answer.status, answer.headers ?? {});
    if (behaviour === 'trickle') return this.trickle(res, Buffer.from(answer.body ?? ''));
    res.end(answer.body);
  }

  private stall(res: ServerResponse): void {
    this.stalled.add(res);
    res.on('close', () => {
      this.stalled.delete(res);
      if (this.stalled.size === 0) for (const resolve of this.waitingForNoneStalled.splice(0)) resolve();
    });
  }

  private trickle(res: ServerResponse, body: Buffer): void {
    let sent = 0;
    const timer = setInterval(() => {
      if (res.destroyed || sent >= body.length) {
        clearInterval(timer);
        if (!res.destroyed) res.end();
        return;
      }
      res.write(body.subarray(sent, sent + 1));
      sent++;
    }, this.trickleMs);
    res.on('close', () => clearInterval(timer));
  }
}

/** With one endpoint for everything, the service and region come from the SigV4 credential scope. */
function callOf(req: IncomingMessage, body: string): HttpCall {
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? '');
  const region = scope?.[1] ?? 'unknown';
  const service = (scope?.[2] ?? 'unknown') as HttpService;
  const base = { partition: 'aws', host: req.headers.host ?? '', accessKeyId: /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '' };
  if (service === 'logs') {
    const target = String(req.headers['x-amz-target'] ?? '');
    return { ...base, service, operation: target.replace(/^.*\./, ''), region, params: body ? (JSON.parse(body) as Record<string, unknown>) : {} };
  }
  const params = Object.fromEntries(new URLSearchParams(body));
  // IAM is global: requests are signed for us-east-1, FakeHttp's account calls that 'global'.
  return { ...base, service, operation: params['Action'] ?? '', region: service === 'iam' ? 'global' : region, params };
}
