/**
 * The local bus in the inventory, orders and reviews e2e tests: find an event by its envelope id, deliver
 * it again (what an EventBridge retry or an archive replay does), and count a function's invocations.
 */
import { eventually, type LocalApp, physicalName } from './local-app.js';

export function onBus(app: LocalApp, eventId: string) {
  return eventually(() =>
    app.plugins.eventBridge.service!.bridge.events.find(
      (e) => (e.event.detail as { eventId?: string }).eventId === eventId,
    ),
  );
}

/** Puts the envelope that reached the bus as `eventId` on the bus again, as a new EventBridge event. */
export async function redeliver(app: LocalApp, eventId: string): Promise<void> {
  const first = await onBus(app, eventId);
  const out = app.plugins.eventBridge.service!.bridge.putEvents([
    {
      EventBusName: first.eventBusName,
      Source: first.event.source,
      DetailType: first.event['detail-type'],
      Detail: JSON.stringify(first.event.detail),
    },
  ]);
  if (out.FailedEntryCount) throw new Error(`redelivery of ${eventId} failed: ${JSON.stringify(out)}`);
}

/** Invocations of `<service>/<id>/Function` so far (the local Lambda's records). */
export function invocationCount(app: LocalApp, service: string, id: string): number {
  return app.lambda.invocations(physicalName(app, service, `${id}/Function`)).length;
}

/** Waits until the function has run `count` times in all, and every run has finished. */
export function ranTimes(app: LocalApp, service: string, id: string, count: number) {
  return eventually(() => (invocationCount(app, service, id) >= count ? true : undefined));
}

/** Puts a CommerceForge envelope on the platform bus, as its service's outbox relay would. */
export function publish(app: LocalApp, envelope: { type: string; source: string }): void {
  const bridge = app.plugins.eventBridge.service!.bridge;
  const busName = bridge.events.find((e) => e.eventBusName !== 'default')?.eventBusName;
  if (!busName) throw new Error('no event on the platform bus yet: its name is unknown');
  const out = bridge.putEvents([
    {
      EventBusName: busName,
      Source: `commerceforge.${envelope.source}`,
      DetailType: envelope.type,
      Detail: JSON.stringify(envelope),
    },
  ]);
  if (out.FailedEntryCount) throw new Error(`publishing ${envelope.type} failed: ${JSON.stringify(out)}`);
}
