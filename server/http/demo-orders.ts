/**
 * A small order service for the demo shop, so the demo bot has something real to call with
 * make-http-request: `GET /demo/orders/:number`. Served by `parley demo` only.
 */
import { Router } from 'express';

const ORDERS: Record<string, { status: string; detail: string }> = {
  '10001': { status: 'shipped', detail: 'It left our roastery on Monday and should arrive within two days.' },
  '10002': {
    status: 'being roasted',
    detail: 'Your beans go in the roaster tomorrow morning and ship the same day.',
  },
  '10003': { status: 'delivered', detail: 'It was delivered on Friday and signed for at the front door.' },
  '10004': { status: 'waiting for payment', detail: 'We have not received the payment yet.' },
};

export function demoOrdersRouter(): Router {
  const router = Router();
  router.get('/demo/orders/:number', (req, res) => {
    const order = ORDERS[req.params.number];
    if (!order) {
      res.status(404).json({ code: 'not_found', message: `No order ${req.params.number}`, status: 404 });
      return;
    }
    res.json({ number: req.params.number, ...order });
  });
  return router;
}
