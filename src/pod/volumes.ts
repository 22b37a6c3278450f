/**
 * The pod's volumes: the models and data claims (created, or existing ones by name) and
 * the emptyDirs of a read-only root filesystem (cache, /tmp, a memory-backed /dev/shm).
 */
import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { MOUNT_PATHS } from '../conventions';
import { ResolvedStorage, ResolvedVolumeClaim } from '../spec/workload';
import { sizeQuantity } from './quantity';

/** A PersistentVolumeClaim the Deployment creates for one of its claim volumes. */
export interface ClaimToCreate {
  /** The volume it backs (also the construct id stem). */
  readonly volume: 'models' | 'data';
  readonly name: string;
  readonly spec: k8s.PersistentVolumeClaimSpec;
}

export interface PodVolumes {
  /** Volumes of the pod spec, in mount order. */
  readonly volumes: k8s.Volume[];
  /** The inference container's mounts, one per volume. */
  readonly mounts: k8s.VolumeMount[];
  /**
   * The model download container's mounts: the models volume read-write (even when the
   * server mounts it read-only: the download fills it), /cache (HOME) and /tmp.
   */
  readonly downloadMounts: k8s.VolumeMount[];
  /** Claims to create; an existing claim is mounted by name and not listed. */
  readonly claims: ClaimToCreate[];
}

/** Names of the claims the library creates when the storage asks for new ones. */
export interface ClaimNames {
  readonly models: string;
  readonly data: string;
}

/**
 * Volumes, mounts and claims of the storage: models and data mounted read-only when the
 * claim says so; cache and tmp disk-backed emptyDirs; /dev/shm a Memory emptyDir, only
 * when a size is given (it counts against the memory limit). With `modelsDownloaded` (an
 * init container fills the models volume), a read-only models claim is read-only on the
 * server's mount only: `readOnly` on the volume source would make every mount of it
 * read-only, the download's too.
 */
export function podVolumes(storage: ResolvedStorage, claimNames: ClaimNames, options: { readonly modelsDownloaded?: boolean } = {}): PodVolumes {
  const volumes: k8s.Volume[] = [];
  const mounts: k8s.VolumeMount[] = [];
  const claims: ClaimToCreate[] = [];
  for (const volume of ['models', 'data'] as const) {
    const claim: ResolvedVolumeClaim = storage[volume];
    // Written only when true: read-write is Kubernetes' default.
    const readOnly = claim.readOnly || undefined;
    let claimName = claimNames[volume];
    if ('existingClaim' in claim) {
      claimName = claim.existingClaim;
    } else {
      claims.push({
        volume,
        name: claimName,
        spec: {
          accessModes: [claim.accessMode],
          storageClassName: claim.storageClassName,
          resources: { requests: { storage: sizeQuantity(claim.size) } },
        },
      });
    }
    const sourceReadOnly = volume === 'models' && options.modelsDownloaded ? undefined : readOnly;
    volumes.push({ name: volume, persistentVolumeClaim: { claimName, readOnly: sourceReadOnly } });
    mounts.push({ name: volume, mountPath: MOUNT_PATHS[volume], readOnly });
  }
  const emptyDir = (name: 'cache' | 'tmp' | 'shm', sizeLimit: Size, medium?: 'Memory') => {
    volumes.push({ name, emptyDir: { medium, sizeLimit: sizeQuantity(sizeLimit) } });
    mounts.push({ name, mountPath: MOUNT_PATHS[name] });
  };
  emptyDir('cache', storage.cacheSizeLimit);
  emptyDir('tmp', storage.tmpSizeLimit);
  if (storage.sharedMemorySizeLimit) emptyDir('shm', storage.sharedMemorySizeLimit, 'Memory');
  const downloadMounts: k8s.VolumeMount[] = (['models', 'cache', 'tmp'] as const).map((name) => ({ name, mountPath: MOUNT_PATHS[name] }));
  return { volumes, mounts, claims, downloadMounts };
}
