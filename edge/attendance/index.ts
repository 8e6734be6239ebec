/**
 * Face attendance at entrance cameras (issue 25): models, encrypted templates, recogniser,
 * entrance logic, the hub → edge config channel and the loopback enrolment endpoint.
 * See edge/README.md "Attendance" and models/README.md "Faces".
 */
import type { AttendanceConfig } from '../config/schema.ts';
import { FaceModels } from './face-models.ts';
import { DEFAULT_DESCRIPTOR, FaceRecognizer } from './recognizer.ts';
import { loadTemplateKey, TemplateStore } from './template-store.ts';

export * from './config-channel.ts';
export * from './entrance.ts';
export * from './recognizer.ts';
export * from './template-store.ts';
export { FaceModels } from './face-models.ts';

/** Loads the face models (one WASM thread) and opens the encrypted template store of `config`. */
export async function createFaceRecognizer(config: AttendanceConfig, log?: (msg: string) => void): Promise<FaceRecognizer> {
  const key = loadTemplateKey(config.keyFile);
  const store = TemplateStore.open(config.templateFile, key);
  const models = await FaceModels.load({ descriptors: [DEFAULT_DESCRIPTOR], liveness: true, minDetectionScore: 0.3, tinyFallback: true, ...(log ? { log } : {}) });
  return new FaceRecognizer(models, store, {
    ...(config.acceptThreshold !== undefined ? { acceptThreshold: config.acceptThreshold } : {}),
    ...(config.proposeThreshold !== undefined ? { proposeThreshold: config.proposeThreshold } : {}),
    minFacePx: config.minFacePx,
  });
}
