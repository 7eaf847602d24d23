// One vocabulary for "did it deliver?", shared by `flowfix verify` (the plan report's delivery[]), apply's
// verification (verification[].delivery) and every renderer: the JSON enums and the words people read
// are derived from this table, so the commands cannot drift apart again.

export const DELIVERY_STATUS_INFO = {
  /** A log stream of one of the flow log's own network interfaces, or an object named after it, written since creation. */
  delivering: { counted: 'delivering (log stream or object seen since creation)' },
  /** DeliverLogsStatus is not FAILED, but nothing of its own has reached the destination so far. */
  'no-error-yet': { counted: 'with no delivery error yet but nothing delivered so far' },
  /** Its VPC or subnet has no network interface: there is no traffic to log, so nothing can arrive. */
  'no-network-interfaces': { counted: 'with no network interfaces: nothing to log yet' },
  /** AWS reports DeliverLogsStatus FAILED. */
  'delivery-failed': { counted: 'with delivery FAILED' },
  /** The destination could not be looked at (no permission, a Firehose destination, a snapshot). */
  'not-checked': { counted: 'not checked' },
} as const;

export type DeliveryStatus = keyof typeof DELIVERY_STATUS_INFO;

export const DELIVERY_STATUSES = Object.keys(DELIVERY_STATUS_INFO) as [DeliveryStatus, ...DeliveryStatus[]];

/** The one line a flow log without network interfaces gets, wherever it is shown. */
export const NO_NETWORK_INTERFACES = 'no network interfaces: nothing to log yet';

/** Which of a flow log's network interfaces were looked at (at most a few), out of how many it has. */
export interface InterfaceSample {
  sampled: string[];
  total: number;
}

/** `flowfix verify`'s finding for one flow log that makes resources compliant. */
export interface DeliveryCheck {
  region: string;
  flowLogId: string;
  /** The compliant resources this flow log covers. */
  resourceIds: string[];
  /** In the one delivery vocabulary (src/facts/delivery-status.ts); a flow log that counts is never delivery-failed. */
  status: Exclude<DeliveryStatus, 'delivery-failed'>;
  evidence?: string;
  /** CloudWatch Logs: which of its interfaces' streams were looked at, of how many. */
  interfaces?: InterfaceSample;
  why?: string;
}
