/** A worker's slots in use: "2/4 slots" above a bar filled to the same share. */
export function SlotMeter({ busy, concurrency }: { busy: number; concurrency: number }) {
  const share = concurrency > 0 ? Math.min(1, busy / concurrency) : 0;
  return (
    <div
      className="slot-meter"
      role="meter"
      aria-label="Slots in use"
      aria-valuemin={0}
      aria-valuemax={concurrency}
      aria-valuenow={busy}
      aria-valuetext={`${busy} of ${concurrency} slots busy`}
    >
      <span className="slot-count">
        {busy}/{concurrency} slots
      </span>
      <span className="slot-track" aria-hidden="true">
        <span className="slot-fill" style={{ width: `${share * 100}%` }} />
      </span>
    </div>
  );
}
