/** A piece of XML kept as written (ds:Signature, ExtendMessage/Message): namespace declarations made self-contained. */
export interface XmlFragment {
  readonly xml: string;
}
