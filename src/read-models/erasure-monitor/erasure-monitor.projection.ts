import type { ReadDocument } from '../../read-store/read-store.port.js';
import type { Projection } from '../../projections/projection.js';
import { asSubjectEvent } from '../../projections/subject-event.js';

export interface SystemConfirmation {
  readonly system: string;
  readonly completedAt: string;
  readonly eventId: string;
}

/** A recipient to be told of the erasure (Art. 19), and when and how it was told. */
export interface RecipientNotice {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly dataCategories: readonly string[];
  readonly notifiedAt: string | null;
  readonly channel: string | null;
  /** The `recipient-notified` event, once told. */
  readonly eventId: string | null;
}

/** A system's erasure task was delivered to it (the first 2xx; later deliveries change nothing). */
export interface TaskDelivery {
  readonly system: string;
  readonly deliveredAt: string;
  readonly subscriptionId: string;
  readonly eventId: string;
}

export interface ErasureDocument extends ReadDocument {
  readonly deletionId: string;
  readonly tenantId: string;
  readonly subjectId: string;
  /** Stored states; `overdue` is `open` past `dueAt`, decided by the clock when read. */
  readonly state: 'open' | 'completed';
  readonly trigger: string;
  readonly requestedAt: string;
  readonly dueAt: string;
  readonly completedAt: string | null;
  readonly systems: readonly string[];
  readonly pendingSystems: readonly string[];
  readonly confirmations: readonly SystemConfirmation[];
  /** Absent on documents built before deliveries were recorded: read as none. */
  readonly deliveries?: readonly TaskDelivery[];
  readonly hoursToComplete: number | null;
  readonly completedOnTime: boolean | null;
  /** Absent on documents projected before recipients were tracked (a rebuild fills it). */
  readonly recipients?: readonly RecipientNotice[];
  /** How many of `recipients` are not yet told: the overdue-recipients query filters on it. */
  readonly recipientsOwed?: number;
}

const HOUR_MS = 60 * 60 * 1000;

export const erasureMonitorProjection: Projection<ErasureDocument> = {
  name: 'erasure-monitor',
  collection: {
    name: 'erasure_monitor',
    indexes: [
      ['state', 'dueAt'],
      ['tenantId', 'state', 'dueAt'],
      ['requestedAt'],
      ['tenantId', 'requestedAt'],
      ['state', 'requestedAt'],
      ['tenantId', 'state', 'requestedAt'],
      ['state', 'hoursToComplete'],
      ['tenantId', 'state', 'hoursToComplete'],
      ['recipientsOwed', 'requestedAt'],
      ['tenantId', 'recipientsOwed', 'requestedAt'],
    ],
  },
  handles: ['deletion-requested', 'deletion-completed', 'erasure-task-delivered', 'recipient-notification-required', 'recipient-notified'],
  documentId: (stored) => {
    const event = asSubjectEvent(stored);
    switch (event?.type) {
      case 'deletion-requested':
      case 'deletion-completed':
      case 'erasure-task-delivered':
        return event.data.deletionId;
      // Notices of a withdrawal belong to no erasure: they are in the subject's export.
      case 'recipient-notification-required':
      case 'recipient-notified':
        return event.data.deletionId ?? null;
      default:
        return null;
    }
  },
  evolve: (current, stored) => {
    const event = asSubjectEvent(stored);
    if (event?.type === 'recipient-notification-required') {
      if (!current || (current.recipients?.length ?? 0) > 0) return null;
      const recipients = event.data.recipients.map((r): RecipientNotice => ({
        id: r.id,
        name: r.name,
        kind: r.kind,
        dataCategories: r.dataCategories,
        notifiedAt: null,
        channel: null,
        eventId: null,
      }));
      return { ...current, recipients, recipientsOwed: recipients.length };
    }
    if (event?.type === 'recipient-notified') {
      const recipients = current?.recipients ?? [];
      if (!current || !recipients.some((r) => r.id === event.data.recipientId && r.notifiedAt === null)) return null;
      const told = recipients.map((r) =>
        r.id === event.data.recipientId && r.notifiedAt === null
          ? { ...r, notifiedAt: event.data.notifiedAt, channel: event.data.channel, eventId: stored.id }
          : r,
      );
      return { ...current, recipients: told, recipientsOwed: told.filter((r) => r.notifiedAt === null).length };
    }
    if (event?.type === 'deletion-requested') {
      if (current) return null;
      return {
        deletionId: event.data.deletionId,
        tenantId: stored.metadata.tenantId,
        subjectId: stored.metadata.subjectId,
        state: 'open',
        trigger: event.data.trigger,
        requestedAt: event.data.requestedAt,
        dueAt: event.data.dueAt,
        completedAt: null,
        systems: event.data.systems,
        pendingSystems: event.data.systems,
        confirmations: [],
        deliveries: [],
        hoursToComplete: null,
        completedOnTime: null,
        recipients: [],
        recipientsOwed: 0,
      };
    }
    if (event?.type === 'erasure-task-delivered') {
      const deliveries = current?.deliveries ?? [];
      if (!current || deliveries.some((delivery) => delivery.system === event.data.system)) return null;
      const { system, deliveredAt, subscriptionId } = event.data;
      return { ...current, deliveries: [...deliveries, { system, deliveredAt, subscriptionId, eventId: stored.id }] };
    }
    if (event?.type !== 'deletion-completed' || !current) return null;
    const pendingSystems = current.pendingSystems.filter((system) => system !== event.data.system);
    const confirmations = [
      ...current.confirmations,
      { system: event.data.system, completedAt: event.data.completedAt, eventId: stored.id },
    ];
    if (pendingSystems.length > 0) return { ...current, pendingSystems, confirmations };
    const completedAt = event.data.completedAt;
    return {
      ...current,
      state: 'completed',
      pendingSystems,
      confirmations,
      completedAt,
      hoursToComplete: Math.round(((Date.parse(completedAt) - Date.parse(current.requestedAt)) / HOUR_MS) * 100) / 100,
      completedOnTime: completedAt <= current.dueAt,
    };
  },
};
