/**
 * The Inspur ECS error table as the simulator reads it (catalog §2.7): each documented code in
 * its full dotted form (A4), the HTTP status the document gives it (A5), and its message.
 *
 * Messages go out in the platform's own language by default (A6): they are wire data a client
 * may match, like the batch-delete summary it has to parse (A31). Each has an English gloss,
 * served instead with the `language: 'en'` option.
 */

export type Language = 'zh' | 'en';

interface ErrorSpec {
  code: string;
  http: number;
  zh: string;
  en: string;
}

// `{}` marks where the document's "xxx" / "%s" / "XX" placeholder takes a value.
export const ERRORS = {
  /** The server is not in the state the operation needs. */
  state: {
    code: '101.001012',
    http: 400,
    zh: '存在未知状态的云服务器，请重新选择云服务器',
    en: 'A selected cloud server is in a state that does not allow this operation; choose again',
  },
  /** A parameter fails validation; `{}` names it. */
  param: { code: '101.001002', http: 400, zh: '参数{}不符合规范', en: 'Parameter {} is invalid' },
  /** No such server; `{}` is its id. */
  noServer: { code: '101.001033', http: 400, zh: '云服务器{}不存在', en: 'Cloud server {} does not exist' },
  /** The platform failed. */
  failed: { code: '101.001040', http: 400, zh: '操作失败', en: 'Operation failed' },
  /** Stop: the server is not the caller's, or does not exist. */
  notOwned: {
    code: '101.001013',
    http: 400,
    zh: '存在未知所属的云服务器，请重新选择云服务器',
    en: 'A selected cloud server has an unknown owner; choose again',
  },
  /** Stop: the server has no billing information. */
  unbilled: {
    code: '101.001014',
    http: 400,
    zh: '存在未付费类型的云服务器，请重新选择云服务器',
    en: 'A selected cloud server has no billing type; choose again',
  },
  /**
   * Not documented (A33): no image code for "no such image". Glance's own answer under the
   * wrapper, 404, with the HTTP status as the code, as for other undocumented failures.
   */
  noImage: { code: '404', http: 404, zh: '镜像{}不存在', en: 'Image {} does not exist' },
  imageCreateFailed: {
    code: '101.003007',
    http: 400,
    zh: '创建自定义镜像失败',
    en: 'Failed to create the custom image',
  },
  /** `{}` is the server's status. */
  imageBadSource: {
    code: '101.003011',
    http: 400,
    zh: '虚机不能创建自定义镜像,状态:{}',
    en: 'The VM cannot create a custom image, status: {}',
  },
  imageDeleteFailed: { code: '101.003006', http: 500, zh: '删除镜像失败', en: 'Failed to delete the image' },
  /** `{}` is the name of the server using the image. */
  imageInUse: {
    code: '101.003015',
    http: 400,
    zh: '当前镜像无法删除，已关联云服务器"{}"',
    en: 'The image cannot be deleted: it is used by cloud server "{}"',
  },
  imageUpdateFailed: { code: '101.003005', http: 500, zh: '更新镜像失败', en: 'Failed to update the image' },
  imageBusy: {
    code: '101.003016',
    http: 400,
    zh: '创建中的镜像不可进行修改',
    en: 'An image that is being created cannot be modified',
  },
  imageNotPrivate: {
    code: '101.003017',
    http: 400,
    zh: '非私有镜像不可进行修改',
    en: 'Only private images can be modified',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorName = keyof typeof ERRORS;

/** What a refusal puts on the wire. */
export interface WireRefusal {
  http: number;
  code: string;
  message: string;
  data?: unknown;
}

export function refusal(name: ErrorName, language: Language, arg = '', data?: unknown): WireRefusal {
  const spec: ErrorSpec = ERRORS[name];
  return {
    http: spec.http,
    code: spec.code,
    message: spec[language].replace('{}', arg),
    ...(data !== undefined ? { data } : {}),
  };
}

/** A31: the batch-delete answer counts outcomes in one sentence (the document's counter word is for machines). */
export function batchDeleteSummary(ok: number, failed: number, language: Language): string {
  return language === 'zh' ? `删除成功${ok}台,删除失败${failed}台` : `${ok} deleted, ${failed} failed`;
}
