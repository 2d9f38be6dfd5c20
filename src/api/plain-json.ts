/**
 * The serializer of the hot read routes, whose answers are objects built field by field from rows
 * (toInstanceView, toTaskView): their shape is ours already, so they are written with
 * JSON.stringify instead of being parsed by zod again on every request, which cost a list page of
 * 50 machines most of its time. The route's response schema still documents them, and the contract
 * tests check real answers against it.
 */
export const plainJson = () => (data: unknown) => JSON.stringify(data);
