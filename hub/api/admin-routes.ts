/**
 * Onboarding: institution admins add rooms, edges (with their MQTT password), users and
 * map cameras to rooms; regulators register institutions of their region. The scope comes
 * from the signed-in user and the store refuses rows outside it; every change is audited.
 */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CameraBody,
  CameraView,
  EdgeBody,
  EdgeRegistered,
  ErrorBody,
  Id,
  InstitutionBody,
  InstitutionRegistered,
  RoomBody,
  RoomView,
  UserBody,
  UserCreated,
  type UserView,
} from '../../protocol/index.ts';
import { hashPassword, newToken } from '../auth/passwords.ts';
import { HubError } from '../errors.ts';
import { StoreError } from '../store/errors.ts';
import { currentUser, requireRole, scopeOf } from './access.ts';

const IdParams = z.object({ id: Id });
/** 24 random bytes: 32 base64url characters, well above the minimum a person may choose. */
const GENERATED_PASSWORD_BYTES = 24;

/**
 * Edge ids and user names are global (MQTT usernames, login names), so the names an admin
 * makes live in their institution's namespace: edge `<institution>.<name>`, user
 * `<name>@<institution>`. Whether a name is taken can then only be about the admin's own
 * institution: a 409 says nothing about other tenants. A name already in that form (or,
 * for edges, an existing edge of the institution such as one made before) is taken as is.
 */
function ownEdgeId(institutionId: string, id: string): string {
  if (id.startsWith(`${institutionId}.`) && !id.slice(institutionId.length + 1).includes('.')) return id;
  if (id.includes('.')) throw new HubError('BAD_REQUEST', `an edge name may not contain "."; the hub prefixes "${institutionId}."`);
  const qualified = `${institutionId}.${id}`;
  if (!Id.safeParse(qualified).success) throw new HubError('BAD_REQUEST', `"${qualified}" is longer than 64 characters; choose a shorter edge name`);
  return qualified;
}

function ownUsername(institutionId: string, username: string): string {
  if (username.endsWith(`@${institutionId}`) && !username.slice(0, -institutionId.length - 1).includes('@')) return username;
  if (username.includes('@')) throw new HubError('BAD_REQUEST', `a user name may not contain "@"; the hub adds "@${institutionId}"`);
  const qualified = `${username}@${institutionId}`;
  if (qualified.length > 64) throw new HubError('BAD_REQUEST', `"${qualified}" is longer than 64 characters; choose a shorter name`);
  return qualified;
}

/** The admin's own institution; an admin row without one cannot onboard anything. */
function ownInstitution(user: UserView): string {
  if (!user.institutionId) throw new HubError('FORBIDDEN', 'your account has no institution');
  return user.institutionId;
}

export const adminRoutes: FastifyPluginAsyncZod = async (app) => {
  const { store, actions } = app;
  const admin = requireRole('institution_admin');
  const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

  app.post('/rooms', {
    preHandler: admin,
    schema: { tags: ['onboarding'], body: RoomBody, response: { 200: RoomView, ...errors } },
  }, async (request) => {
    const user = currentUser(request);
    const room: RoomView = { ...request.body, institutionId: ownInstitution(user) };
    if (!(await store.saveRoom(scopeOf(user), room))) throw new HubError('FORBIDDEN', 'your institution is not registered');
    await actions.audit(user, 'room.save', `room:${room.id}`, room.institutionId, { ...request.body });
    return room;
  });

  app.put('/cameras/:id', {
    preHandler: admin,
    schema: { tags: ['onboarding'], params: IdParams, body: CameraBody, response: { 200: CameraView, ...errors, 404: ErrorBody } },
  }, async (request) => {
    const user = currentUser(request);
    const institutionId = ownInstitution(user);
    let view: CameraView | null;
    try {
      view = await store.updateCamera(scopeOf(user), { institutionId, id: request.params.id, ...request.body });
    } catch (err) {
      if (err instanceof StoreError && err.code === 'unknown_room') throw new HubError('BAD_REQUEST', `no room ${request.body.roomId} in your institution`);
      throw err;
    }
    // Cameras appear when their edge first reports them in a status message.
    if (!view) throw new HubError('NOT_FOUND', `camera ${request.params.id} not found (has its edge reported it yet?)`);
    await actions.audit(user, 'camera.update', `camera:${view.id}`, institutionId, { ...request.body });
    return view;
  });

  app.post('/edges', {
    preHandler: admin,
    schema: { tags: ['onboarding'], body: EdgeBody, response: { 200: EdgeRegistered, ...errors } },
  }, async (request) => {
    const user = currentUser(request);
    const institutionId = ownInstitution(user);
    const existing = await store.getEdge(request.body.id);
    const id = existing?.institutionId === institutionId ? existing.id : ownEdgeId(institutionId, request.body.id);
    const password = newToken(GENERATED_PASSWORD_BYTES);
    const outcome = await store.registerEdge(scopeOf(user), { id, institutionId, passwordHash: await hashPassword(password) });
    // Only when the institution is not registered (the name itself is in its namespace).
    if (outcome === 'taken') throw new HubError('FORBIDDEN', 'your institution is not registered');
    const rotated = outcome === 'updated';
    const dropped = rotated ? await app.broker.disconnectEdge(id) : 0;
    await actions.audit(user, rotated ? 'edge.rotate_password' : 'edge.register', `edge:${id}`, institutionId, rotated ? { disconnectedSessions: dropped } : null);
    return { id, institutionId, password, rotated };
  });

  app.post('/users', {
    preHandler: admin,
    schema: { tags: ['onboarding'], body: UserBody, response: { 200: UserCreated, ...errors, 409: ErrorBody } },
  }, async (request) => {
    const user = currentUser(request);
    const institutionId = ownInstitution(user);
    const { displayName, role } = request.body;
    const username = ownUsername(institutionId, request.body.username);
    const generated = request.body.password === undefined ? newToken(GENERATED_PASSWORD_BYTES) : null;
    const passwordHash = await hashPassword(request.body.password ?? generated ?? '');
    let id: string;
    try {
      id = await store.createUser({ username, displayName, role, institutionId, regionId: null, passwordHash });
    } catch (err) {
      if (err instanceof StoreError && err.code === 'username_taken') throw new HubError('CONFLICT', `username ${username} is taken`);
      throw err;
    }
    await actions.audit(user, 'user.create', `user:${username}`, institutionId, { role, generatedPassword: generated !== null });
    return { user: { id, username, displayName, role, institutionId, regionId: null }, password: generated };
  });

  app.post('/institutions', {
    preHandler: requireRole('regulator'),
    schema: { tags: ['onboarding'], body: InstitutionBody, response: { 200: InstitutionRegistered, ...errors } },
  }, async (request) => {
    const user = currentUser(request);
    const institution = { ...request.body, demo: false };
    const outcome = await store.registerInstitution(scopeOf(user), institution);
    if (outcome === 'out_of_scope') throw new HubError('FORBIDDEN', `institution ${institution.id} is not in your region ${user.regionId ?? ''}`);
    await actions.audit(user, outcome === 'created' ? 'institution.register' : 'institution.update', `institution:${institution.id}`, institution.id, { ...institution });
    return { institution, created: outcome === 'created' };
  });
};
