/**
 * The part of Bottleneck.Group that @octokit/plugin-throttling uses (`key(id).schedule(options, task, ...args)`),
 * in process memory and without timers when there is room. Bottleneck's local store yields to the event loop
 * several times per scheduled call (about 5 ms a lane), and every GitHub request passes two lanes.
 */
export interface LaneOptions {
  /** Requests of one key in flight at once. */
  maxConcurrent: number;
  /** Least time between the starts of two requests of one key. */
  minTime: number;
}

/** plugin-throttling schedules a retried request with weight 0 (it does not take a place) and priority 0 (first). */
interface JobOptions {
  weight?: number;
  priority?: number;
}

interface Waiting {
  start: () => void;
  /** Takes one of the key's places (a retry does not). */
  counts: boolean;
}

class Lane {
  private running = 0;
  private lastStart = Number.NEGATIVE_INFINITY;
  private readonly queue: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: LaneOptions,
    private readonly onIdle: () => void,
  ) {}

  schedule<T, Args extends unknown[]>(
    jobOptions: JobOptions,
    task: (...args: Args) => T | Promise<T>,
    ...args: Args
  ): Promise<T> {
    const counts = jobOptions.weight !== 0;
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        if (counts) this.running += 1;
        this.lastStart = Date.now();
        Promise.resolve()
          .then(() => task(...args))
          .then(resolve, reject)
          .finally(() => {
            if (counts) this.running -= 1;
            this.next();
          });
      };
      if (jobOptions.priority === 0) this.queue.unshift({ start, counts });
      else this.queue.push({ start, counts });
      // A lane kept only for its spacing has an unreferenced timer; a waiting request must keep the process up.
      this.timer?.ref();
      this.next();
    });
  }

  private next(): void {
    if (this.timer) return;
    while (this.queue.length > 0) {
      if (this.running >= this.options.maxConcurrent && this.queue[0]!.counts) return;
      const wait = this.lastStart + this.options.minTime - Date.now();
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.next();
        }, wait);
        return;
      }
      this.queue.shift()!.start();
    }
    if (this.running === 0) {
      // Kept until its spacing has passed, so a request right after an idle moment still keeps minTime.
      const spacing = this.lastStart + this.options.minTime - Date.now();
      if (spacing <= 0) this.onIdle();
      else
        this.timer = setTimeout(() => {
          this.timer = undefined;
          if (this.running === 0 && this.queue.length === 0) this.onIdle();
          else this.next();
        }, spacing).unref();
    }
  }
}

/** Lanes by key (plugin-throttling keys them by installation); an idle lane is dropped. */
export class RequestLanes {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly options: LaneOptions) {}

  key(id = ""): Lane {
    let lane = this.lanes.get(id);
    if (!lane) {
      lane = new Lane(this.options, () => {
        if (this.lanes.get(id) === lane) this.lanes.delete(id);
      });
      this.lanes.set(id, lane);
    }
    return lane;
  }

  /** Keys with requests in flight, waiting, or spaced from their last one. */
  get size(): number {
    return this.lanes.size;
  }
}
