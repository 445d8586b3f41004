/**
 * The automatic checkpoint in IndexedDB: one database, one object store, one record under
 * the key 'autosave' holding the checkpoint file's bytes (checkpoint.ts format, exactly what "Save
 * run" downloads) and when it was written. A reload of the page without a set-up in its URL resumes
 * it (app.ts). Plain indexedDB API; every call is asynchronous, and a browser without IndexedDB (or
 * one that refuses it, e.g. some private modes) makes every call fail with an Error the page shows.
 * Other records of the same store (the unfinished ε-sweep, sweepStore.ts) go through readRecord,
 * writeRecord and deleteRecord under their own keys: one database, no schema upgrade.
 */

const DB_NAME = 'vpb-mixture';
const DB_VERSION = 1;
const STORE = 'checkpoints';
const KEY = 'autosave';

export interface Autosave {
  /** The checkpoint file. */
  readonly bytes: Uint8Array;
  /** Date.now() when it was written. */
  readonly savedAt: number;
  /** The simulated time and step it holds (for the notice; the file itself is authoritative). */
  readonly time: number;
  readonly step: number;
}

let opened: Promise<IDBDatabase> | null = null;

function database(): Promise<IDBDatabase> {
  opened ??= new Promise<IDBDatabase>((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new Error('IndexedDB is not available in this browser'));
      return;
    }
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE);
    };
    request.onsuccess = () => {
      const db = request.result;
      // another tab upgrading the database: let it, and reopen on the next call
      db.onversionchange = () => {
        db.close();
        opened = null;
      };
      resolve(db);
    };
    request.onerror = () => reject(request.error ?? new Error('IndexedDB refused to open'));
    request.onblocked = () => reject(new Error('IndexedDB is blocked by another tab of this page'));
  }).catch((e: unknown) => {
    opened = null; // try again next time
    throw e;
  });
  return opened;
}

/** Runs one request in its own transaction; resolves when the transaction has committed. */
async function transact<T>(
  mode: IDBTransactionMode,
  make: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await database();
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = make(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error ?? request.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

function isAutosave(value: unknown): value is Autosave {
  const v = value as Partial<Autosave> | undefined;
  return (
    !!v &&
    v.bytes instanceof Uint8Array &&
    typeof v.savedAt === 'number' &&
    typeof v.time === 'number' &&
    typeof v.step === 'number'
  );
}

/** The autosaved run, or null when there is none. A record of another shape counts as none. */
export async function readAutosave(): Promise<Autosave | null> {
  const value = await transact<unknown>('readonly', (store) => store.get(KEY));
  return isAutosave(value) ? value : null;
}

/** Replaces the autosave (atomically: a write cut short by a closing tab leaves the previous one). */
export async function writeAutosave(save: Autosave): Promise<void> {
  await transact('readwrite', (store) => store.put(save, KEY));
}

export async function deleteAutosave(): Promise<void> {
  await transact('readwrite', (store) => store.delete(KEY));
}

/** Another record of the store, as stored (unchecked: the caller validates it). */
export async function readRecord(key: string): Promise<unknown> {
  return transact<unknown>('readonly', (store) => store.get(key));
}

/** Replaces another record of the store (atomically, as writeAutosave). */
export async function writeRecord(key: string, value: unknown): Promise<void> {
  await transact('readwrite', (store) => store.put(value, key));
}

export async function deleteRecord(key: string): Promise<void> {
  await transact('readwrite', (store) => store.delete(key));
}
